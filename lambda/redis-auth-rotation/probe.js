// @ts-check
"use strict";
// Asks Redis itself whether it accepts a token: the only place that knows which tokens are live.
const tls = require("node:tls");

/**
 * Connects over TLS (the group requires it), sends AUTH and reads the one-line reply.
 * +OK means accepted; an error reply (WRONGPASS, "invalid password") means refused. Anything
 * else (no connection, timeout) is an error, never a "no": a rotation must not act on a guess.
 * @param {{ host: string, port: number, timeoutMs: number, ca?: string | Buffer }} target
 * @returns {import("./rotation").RedisProbe}
 */
function redisProbe(target) {
  return {
    accepts: (token) =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: target.host, port: target.port, servername: target.host, ca: target.ca });
        let reply = "";
        const fail = (/** @type {string} */ reason) => {
          socket.destroy();
          reject(new Error(`Redis at ${target.host}:${target.port}: ${reason}`));
        };
        socket.setTimeout(target.timeoutMs, () => fail(`no reply within ${target.timeoutMs} ms`));
        socket.once("secureConnect", () => socket.write(resp(["AUTH", token])));
        socket.on("data", (chunk) => {
          reply += chunk.toString("utf8");
          const end = reply.indexOf("\r\n");
          if (end < 0) return;
          const line = reply.slice(0, end);
          socket.end();
          if (line === "+OK") resolve(true);
          else if (line.startsWith("-")) resolve(false);
          else fail("unexpected reply to AUTH");
        });
        socket.once("error", (error) => fail(error.message));
      }),
  };
}

/** A command as a RESP array of bulk strings, so the token needs no escaping. @param {string[]} parts */
function resp(parts) {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join("")}`;
}

module.exports = { redisProbe };
