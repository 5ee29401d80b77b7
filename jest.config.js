/** Unit tests on the synthesized JSON. Transpile-only (swc): type checking is `npm run lint`. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Tests that run Terraform or a real server belong to `npm run validate` (jest.terraform.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/terraform/", "<rootDir>/__tests__/integration/"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  moduleFileExtensions: ["ts", "js", "json"],
};
