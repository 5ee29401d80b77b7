import { readFileSync } from "fs";
import { secretsManagerAdapter } from "../shared/secrets-manager";
import { Log, rotate, RotationEvent, RotationSettings, SecretsManagerPort } from "./rotation";

/**
 * Lambda entry point: binds the rotation to the shared Secrets Manager adapter (on the AWS SDK the
 * nodejs22.x runtime ships, which the bundle leaves out) and to the configuration Terraform sets in
 * the environment.
 */

let secretsManager: SecretsManagerPort | undefined;

function client(): SecretsManagerPort {
  secretsManager ??= secretsManagerAdapter();
  return secretsManager;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Read once per execution environment. */
let settings: RotationSettings | undefined;

function configuration(): RotationSettings {
  settings ??= {
    masterSecretArn: required("MASTER_SECRET_ARN"),
    // Comma-separated; set only where a promoted secret names the primary's master secret (restore mode).
    adoptableMasterSecretArns: (process.env.ADOPTABLE_MASTER_SECRET_ARNS ?? "")
      .split(",")
      .filter((arn) => arn.length > 0),
    host: required("DB_HOST"),
    port: Number(required("DB_PORT")),
    dbname: required("DB_NAME"),
    baseUsername: required("DB_USERNAME"),
    schema: required("DB_SCHEMA"),
    // The Amazon CA certificates (RDS's included) that Lambda's Node.js runtimes ship; since Node.js 20
    // Lambda no longer trusts them by default (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html).
    // Passing them as the connection's only CAs trusts RDS's authorities for the database and nothing else.
    trust: { caBundle: readFileSync(required("DB_CA_BUNDLE")) },
  };
  return settings;
}

/** One JSON line per event; fields are names and steps only. */
const log: Log = (message, fields) => console.log(JSON.stringify({ message, ...fields }));

export const handler = (event: RotationEvent): Promise<void> => rotate(event, client(), configuration(), log);
