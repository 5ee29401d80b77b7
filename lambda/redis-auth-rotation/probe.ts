// Asks Redis itself whether it accepts a token: the only place that knows which tokens are live.
import { connect } from "node:tls";
import type { RedisProbe } from "./rotation";

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly ca?: string | Buffer;
}

/**
 * Connects over TLS (the group requires it), sends AUTH and reads the one-line reply.
 * +OK means accepted; an error reply (WRONGPASS, "invalid password") means refused. Anything
 * else (no connection, timeout) is an error, never a "no": a rotation must not act on a guess.
 */
export function redisProbe(target: RedisTarget): RedisProbe {
  return {
    accepts: (token) =>
      new Promise<boolean>((resolve, reject) => {
        const socket = connect({ host: target.host, port: target.port, servername: target.host, ca: target.ca });
        let reply = "";
        const fail = (reason: string) => {
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

/** A command as a RESP array of bulk strings, so the token needs no escaping. */
function resp(parts: string[]): string {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join("")}`;
}
