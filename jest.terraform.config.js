/**
 * Tests that run the real Terraform, a real server such as PostgreSQL, or a tool in its own process
 * (part of `npm run test:terraform`, not of the fast unit tests).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__/terraform", "<rootDir>/__tests__/integration"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  testTimeout: 120000,
  // jest's default keeps a core for itself: one worker on this 2-core machine, suites one after
  // another while each waits on Terraform or a server. Two run at once.
  maxWorkers: 2,
};
