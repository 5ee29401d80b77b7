import { createHash, createHmac, pbkdf2Sync, randomBytes } from "crypto";

/** PostgreSQL's own default (scram_iterations). */
const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802 / RFC 7677), in the form
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
 * (https://www.postgresql.org/docs/16/catalog-pg-authid.html). CREATE/ALTER ROLE store a value
 * already in this form as it is (https://www.postgresql.org/docs/16/sql-createrole.html), so the
 * plain password never reaches the server, its statement logs or an error message quoting the
 * statement. Generated passwords are ASCII, so SASLprep leaves them unchanged.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  const saltedPassword = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
