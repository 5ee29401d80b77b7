// The contract the infrastructure relies on: listen on PORT (3000), answer GET /health with 200
// while the process can serve, answer the canary's synthetic login on CANARY_LOGIN_PATH, and stop
// cleanly on SIGTERM (instance refresh, scale-in).
const http = require("node:http");

/** The synthetic login the outside-in canary calls (outsideIn.canary.testPath in the infrastructure config). */
const DEFAULT_CANARY_LOGIN_PATH = "/canary/login";
/** Largest request body the login reads; anything larger is refused before parsing. */
const MAX_BODY_BYTES = 4096;

function json(response, status, body) {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

// A login-shaped request that goes through the same request handling as a real login (body limit,
// JSON parsing, field checks) but authenticates only the synthetic identity, which has no account and
// no privilege: the canary needs no credential, and a caller gains nothing from it.
function canaryLogin(request, response) {
  let size = 0;
  const chunks = [];
  request.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      json(response, 413, { error: "request body too large" });
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on("end", () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      json(response, 400, { error: "body must be JSON" });
      return;
    }
    if (
      typeof body?.username !== "string" ||
      typeof body?.password !== "string" ||
      body.username === "" ||
      body.password === ""
    ) {
      json(response, 400, { error: "username and password are required" });
      return;
    }
    if (body.username !== "synthetic-canary") {
      json(response, 401, { authenticated: false });
      return;
    }
    json(response, 200, { authenticated: true, synthetic: true });
  });
}

function createServer({ canaryLoginPath = process.env.CANARY_LOGIN_PATH ?? DEFAULT_CANARY_LOGIN_PATH } = {}) {
  return http.createServer((request, response) => {
    if (request.method === "GET" && request.url === "/health") {
      json(response, 200, { status: "ok" });
      return;
    }
    if (request.method === "POST" && request.url === canaryLoginPath) {
      canaryLogin(request, response);
      return;
    }
    json(response, 404, { error: "not found" });
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createServer().listen(port, () => console.log(`listening on ${server.address().port}`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

module.exports = { createServer, DEFAULT_CANARY_LOGIN_PATH };
