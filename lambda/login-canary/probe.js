// @ts-check
"use strict";
// What the canary checks, as users reach the service: a TLS handshake that Node validates against the
// trusted roots (so an expired, not-yet-valid or mismatched certificate fails the run), the health
// endpoint, then a login-shaped POST on the configured test path. No real account and no secret: the
// service's test path answers a synthetic identity, and nothing the service returns is logged.
const https = require("node:https");

/**
 * @typedef {object} ProbeTarget
 * @property {string} endpoint      https://<name>, the name users type (SNI, Host header and certificate check)
 * @property {string} healthPath    e.g. /health
 * @property {string} testPath      the synthetic login, e.g. /canary/login
 * @property {number} [timeoutMs]   per request; default 10000
 */

/**
 * @param {ProbeTarget} target
 * @param {{ method: string, path: string, body?: string }} request
 * @returns {Promise<{ status: number, body: string }>}
 */
function send(target, request) {
  const url = new URL(request.path, target.endpoint);
  if (url.protocol !== "https:")
    return Promise.reject(new Error(`refusing ${url.protocol} endpoint: the canary exists to check TLS`));
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      {
        method: request.method,
        host: url.hostname,
        port: url.port || 443,
        path: url.pathname,
        servername: url.hostname,
        headers: {
          host: url.host,
          "user-agent": "auth-login-canary",
          ...(request.body ? { "content-type": "application/json" } : {}),
        },
        // Node's default, spelled out: this check is the point of the canary.
        rejectUnauthorized: true,
        timeout: target.timeoutMs ?? 10000,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${request.method} ${url.pathname} timed out`)));
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/**
 * One canary run: resolves with the steps it passed, rejects with the first failure (a failed run).
 * @param {ProbeTarget} target
 * @returns {Promise<string[]>}
 */
async function probe(target) {
  const steps = [];
  const health = await send(target, { method: "GET", path: target.healthPath });
  if (health.status !== 200) throw new Error(`GET ${target.healthPath} answered ${health.status}, expected 200`);
  steps.push(`GET ${target.healthPath} 200`);
  const login = await send(target, {
    method: "POST",
    path: target.testPath,
    body: JSON.stringify({ username: "synthetic-canary", password: "synthetic-canary" }),
  });
  if (login.status !== 200) throw new Error(`POST ${target.testPath} answered ${login.status}, expected 200`);
  let answer;
  try {
    answer = JSON.parse(login.body);
  } catch {
    throw new Error(`POST ${target.testPath} did not answer JSON`);
  }
  if (answer?.authenticated !== true)
    throw new Error(`POST ${target.testPath} did not authenticate the synthetic identity`);
  steps.push(`POST ${target.testPath} 200 authenticated`);
  return steps;
}

/**
 * The target from the canary's run_config environment variables.
 * @param {Record<string, string | undefined>} environment
 * @returns {ProbeTarget}
 */
function targetFromEnvironment(environment) {
  const { CANARY_ENDPOINT, CANARY_HEALTH_PATH, CANARY_TEST_PATH } = environment;
  if (!CANARY_ENDPOINT || !CANARY_HEALTH_PATH || !CANARY_TEST_PATH)
    throw new Error("CANARY_ENDPOINT, CANARY_HEALTH_PATH and CANARY_TEST_PATH must be set");
  return { endpoint: CANARY_ENDPOINT, healthPath: CANARY_HEALTH_PATH, testPath: CANARY_TEST_PATH };
}

module.exports = { probe, targetFromEnvironment };
