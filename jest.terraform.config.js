/**
 * Tests that run the real Terraform, a real server such as PostgreSQL, or a tool in its own process
 * (part of `npm run test:terraform`, not of the fast unit tests).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__/terraform", "<rootDir>/__tests__/integration"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  testTimeout: 120000,
};
