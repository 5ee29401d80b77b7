/**
 * The environment a run is narrowed to: AUTH_ENV, else the `environment` value of the cdktf
 * context (cdktf.json "context", passed to the app as CDKTF_CONTEXT_JSON), else all of them.
 */
export function selectedEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AUTH_ENV) return env.AUTH_ENV;
  const context = env.CDKTF_CONTEXT_JSON ? JSON.parse(env.CDKTF_CONTEXT_JSON) : {};
  return typeof context.environment === "string" ? context.environment : undefined;
}
