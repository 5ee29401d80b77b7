/** Unit tests on the synthesized JSON. Transpile-only (swc): type checking is `npm run lint`. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Tests that run Terraform, a real server or a tool in its own process belong to jest.terraform.config.js.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/terraform/", "<rootDir>/__tests__/integration/"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  moduleFileExtensions: ["ts", "js", "json"],
  // No test may lean on jest's 5 s default: on a loaded 2-core machine a child process alone can take that.
  // `npm run test:contention` runs this suite with every core busy to prove it.
  testTimeout: 30_000,
  // One worker per core: jest's default keeps a core for itself, which on this 2-core machine left
  // the suite on one worker (23 s measured, 15 s with two).
  maxWorkers: "100%",
};
