import {
  DescribeSecretCommand,
  DescribeSecretResponse,
  GetRandomPasswordCommand,
  GetRandomPasswordRequest,
  GetSecretValueCommand,
  GetSecretValueResponse,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";

/**
 * The one Secrets Manager adapter of the rotation functions: the calls a rotation makes, bound to
 * the AWS SDK v3 that the Lambda Node.js runtime ships (every bundle leaves @aws-sdk/* out, see
 * src/constructs/compute/lambda-bundle.ts). Each rotation names the subset it uses as its port and
 * is tested against an in-memory fake of it; only this file talks to AWS.
 */
export interface SecretsManagerAdapter {
  describeSecret(secretId: string): Promise<Pick<DescribeSecretResponse, "RotationEnabled" | "VersionIdsToStages">>;
  /** A version by stage (AWSCURRENT, AWSPENDING...), by id, or by both (they must then agree). */
  getSecretValue(
    secretId: string,
    stage?: string,
    versionId?: string,
  ): Promise<Pick<GetSecretValueResponse, "SecretString">>;
  /** Creates the version `token` with `value`, at the given stages. */
  putSecretValue(secretId: string, token: string, value: string, stages: string[]): Promise<unknown>;
  /** Moves `stage` to the version `moveTo`, from `removeFrom` (which must hold it, if any version does). */
  updateSecretVersionStage(secretId: string, stage: string, moveTo: string, removeFrom?: string): Promise<unknown>;
  /** A random value from Secrets Manager's generator. */
  getRandomPassword(request: GetRandomPasswordRequest): Promise<string>;
}

/** The adapter on a real client (region and credentials from the function's environment). */
export function secretsManagerAdapter(client = new SecretsManagerClient({})): SecretsManagerAdapter {
  return {
    describeSecret: (SecretId) => client.send(new DescribeSecretCommand({ SecretId })),
    getSecretValue: (SecretId, VersionStage, VersionId) =>
      client.send(new GetSecretValueCommand({ SecretId, VersionStage, VersionId })),
    putSecretValue: (SecretId, ClientRequestToken, SecretString, VersionStages) =>
      client.send(new PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString, VersionStages })),
    updateSecretVersionStage: (SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId) =>
      client.send(
        new UpdateSecretVersionStageCommand({ SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId }),
      ),
    getRandomPassword: async (request) =>
      (await client.send(new GetRandomPasswordCommand(request))).RandomPassword ?? "",
  };
}
