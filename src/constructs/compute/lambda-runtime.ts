/**
 * The Lambda runtime of every function in the project, in one place. Node.js 22
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html); nodejs20.x reached end of
 * life in April 2026, after which Lambda blocks creating, then updating, functions on it.
 */
export const LAMBDA_NODE_RUNTIME = "nodejs22.x";

/** The esbuild target matching LAMBDA_NODE_RUNTIME, for bundled functions. */
export const LAMBDA_NODE_BUNDLE_TARGET = "node22";
