const assert = require("node:assert");
const { test } = require("node:test");
const { createServer } = require("./server");

test("GET /health answers 200 and anything else 404", async () => {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    assert.strictEqual((await fetch(`${base}/health`)).status, 200);
    assert.strictEqual((await fetch(`${base}/nope`)).status, 404);
  } finally {
    server.close();
  }
});

test("POST /canary/login authenticates only the synthetic identity, and refuses malformed bodies", async () => {
  const server = createServer({ canaryLoginPath: "/canary/login" }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const login = (body) =>
    fetch(`http://127.0.0.1:${server.address().port}/canary/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  try {
    const synthetic = await login(JSON.stringify({ username: "synthetic-canary", password: "synthetic-canary" }));
    assert.strictEqual(synthetic.status, 200);
    assert.deepStrictEqual(await synthetic.json(), { authenticated: true, synthetic: true });
    assert.strictEqual((await login(JSON.stringify({ username: "alice", password: "x" }))).status, 401);
    assert.strictEqual((await login("not json")).status, 400);
    assert.strictEqual((await login(JSON.stringify({ username: "synthetic-canary" }))).status, 400);
  } finally {
    server.close();
  }
});
