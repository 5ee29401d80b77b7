/**
 * A loopback stand-in for two AWS JSON-protocol APIs, so the real provider can refresh real
 * resources offline: CloudWatch Logs (DescribeLogGroups, ListTagsForResource) and KMS
 * (DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags). The provider is pointed at
 * it with `endpoints`; it answers what "the account" holds now, which is how drift is made.
 * Shapes from the API references: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html (and GetKeyRotationStatus, GetKeyPolicy, ListResourceTags).
 */
import { createServer, Server } from "http";
import type { AddressInfo } from "net";

export interface AccountLogGroup {
  readonly name: string;
  readonly arn: string;
  readonly retentionInDays?: number;
}

export interface AccountKey {
  readonly keyId: string;
  readonly arn: string;
  readonly description: string;
  readonly policy: string;
  readonly rotationEnabled: boolean;
}

export interface FakeAccount {
  logGroups: AccountLogGroup[];
  keys: AccountKey[];
  /** Operations to refuse with AccessDeniedException (not retried, unlike a 5xx), to make a refresh fail. */
  failing: string[];
}

export interface FakeAwsEndpoint {
  readonly url: string;
  readonly account: FakeAccount;
  /** X-Amz-Target of every call, in order. */
  readonly calls: string[];
  close(): Promise<void>;
}

export async function startFakeAwsEndpoint(account: FakeAccount): Promise<FakeAwsEndpoint> {
  const calls: string[] = [];
  const answer = (target: string, body: any): [number, unknown] => {
    const operation = target.split(".")[1];
    if (account.failing.includes(operation))
      return [400, { __type: "AccessDeniedException", message: `not authorized to perform ${operation} (injected)` }];
    switch (target) {
      case "Logs_20140328.DescribeLogGroups":
        return [
          200,
          {
            logGroups: account.logGroups
              .filter((group) => group.name.startsWith(body.logGroupNamePrefix ?? ""))
              .map((group) => ({
                logGroupName: group.name,
                arn: `${group.arn}:*`,
                retentionInDays: group.retentionInDays,
                logGroupClass: "STANDARD",
              })),
          },
        ];
      case "Logs_20140328.ListTagsForResource":
        return [200, { tags: {} }];
      case "TrentService.DescribeKey": {
        const key = account.keys.find((candidate) => candidate.keyId === body.KeyId || candidate.arn === body.KeyId);
        if (!key) return [400, { __type: "NotFoundException", message: `Key '${body.KeyId}' does not exist` }];
        return [
          200,
          {
            KeyMetadata: {
              KeyId: key.keyId,
              Arn: key.arn,
              Enabled: true,
              KeyState: "Enabled",
              KeyUsage: "ENCRYPT_DECRYPT",
              KeySpec: "SYMMETRIC_DEFAULT",
              CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
              Origin: "AWS_KMS",
              KeyManager: "CUSTOMER",
              MultiRegion: false,
              Description: key.description,
            },
          },
        ];
      }
      case "TrentService.GetKeyPolicy":
        return [200, { Policy: account.keys.find((key) => key.keyId === body.KeyId)?.policy, PolicyName: "default" }];
      case "TrentService.GetKeyRotationStatus":
        return [
          200,
          {
            KeyRotationEnabled: account.keys.find((key) => key.keyId === body.KeyId)?.rotationEnabled,
            RotationPeriodInDays: 365,
          },
        ];
      case "TrentService.ListResourceTags":
        return [200, { Tags: [], Truncated: false }];
      default:
        return [400, { __type: "UnknownOperationException", message: `the fake does not model ${target}` }];
    }
  };
  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      const target = String(request.headers["x-amz-target"] ?? "");
      calls.push(target);
      const [status, body] = answer(target, text ? JSON.parse(text) : {});
      response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    account,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
