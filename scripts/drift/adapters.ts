/** The drift check's real ports: the state bucket and the alert topic through the AWS CLI. */
import { execFile } from "child_process";
import { promisify } from "util";
import type { StateObjectPort } from "./job";

const run = promisify(execFile);

/** HeadObject: a 404 means no state; any other failure (no access, throttling) is not "no state". */
export function s3StateObjects(region: string): StateObjectPort {
  return {
    exists: async (bucket, key) => {
      try {
        await run("aws", ["s3api", "head-object", "--bucket", bucket, "--key", key, "--region", region]);
        return true;
      } catch (error: any) {
        if (/\b(404|Not Found)\b/.test(String(error.stderr ?? ""))) return false;
        throw new Error(
          `head-object failed: ${
            String(error.stderr ?? error.message)
              .split("\n")
              .find((line) => line.trim()) ?? "unknown error"
          }`,
          { cause: error },
        );
      }
    },
  };
}

export interface AlertPort {
  publish(subject: string, message: string): Promise<void>;
}

export function snsAlerts(topicArn: string): AlertPort {
  const region = topicArn.split(":")[3];
  return {
    publish: async (subject, message) =>
      void (await run("aws", [
        "sns",
        "publish",
        "--topic-arn",
        topicArn,
        "--region",
        region,
        "--subject",
        subject,
        "--message",
        message,
      ])),
  };
}
