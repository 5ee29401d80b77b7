// The contract the infrastructure relies on: listen on PORT (3000), answer GET /health with 200
// while the process can serve, and stop cleanly on SIGTERM (instance refresh, scale-in).
const http = require("node:http");

function createServer() {
  return http.createServer((request, response) => {
    if (request.method === "GET" && request.url === "/health") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok" }));
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "not found" }));
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createServer().listen(port, () => console.log(`listening on ${port}`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

module.exports = { createServer };
