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
