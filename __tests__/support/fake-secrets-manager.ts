import { randomUUID } from "crypto";

/**
 * An in-memory Secrets Manager that keeps versions and staging labels by AWS's documented rules:
 * - a staging label is attached to one version at a time; moving AWSCURRENT moves AWSPREVIOUS to
 *   the version it left (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html);
 *   moving a label that another version holds needs RemoveFromVersionId naming that version;
 * - PutSecretValue with an existing ClientRequestToken is ignored when the value is the same and
 *   fails when it differs: versions are immutable
 *   (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html);
 * - GetSecretValue with VersionId and VersionStage needs both to name the same version, and a
 *   version without a value (the one a rotation starts with) is ResourceNotFoundException
 *   (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html);
 * - RotateSecret creates the new version with AWSPENDING and no value, and refuses while another
 *   version still holds AWSPENDING without AWSCURRENT (a rotation in progress or failed)
 *   (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html), then
 *   invokes the function for createSecret, setSecret, testSecret, finishSecret in that order
 *   (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html).
 */
export class FakeSecretsManager {
  private readonly secrets = new Map<
    string,
    { rotationEnabled: boolean; versions: Map<string, { value?: string; stages: Set<string> }> }
  >();
  /** Every call, for asserting what a step did; no values. */
  readonly calls: string[] = [];

  createSecret(secretId: string, value: string, options: { rotationEnabled?: boolean } = {}): void {
    const versions = new Map([[randomUUID(), { value, stages: new Set(["AWSCURRENT"]) }]]);
    this.secrets.set(secretId, { rotationEnabled: options.rotationEnabled ?? true, versions });
  }

  /** The value of the version holding a stage; what an instance reads. */
  valueAt(secretId: string, stage: string): string | undefined {
    return [...this.secret(secretId).versions.values()].find((version) => version.stages.has(stage))?.value;
  }

  /** Every value ever stored under the secret. */
  allValues(secretId: string): string[] {
    return [...this.secret(secretId).versions.values()].flatMap((version) =>
      version.value === undefined ? [] : [version.value],
    );
  }

  /** RotateSecret's first half: the new AWSPENDING version the function then fills in. */
  startRotation(secretId: string): string {
    const secret = this.secret(secretId);
    for (const version of secret.versions.values()) {
      if (version.stages.has("AWSPENDING") && !version.stages.has("AWSCURRENT")) {
        throw error(
          "InvalidRequestException",
          `A previous rotation isn't complete. That rotation will be reattempted.`,
        );
      }
    }
    const token = randomUUID();
    secret.versions.set(token, { stages: new Set() });
    this.attach(secretId, "AWSPENDING", token);
    return token;
  }

  async describeSecret(secretId: string) {
    this.calls.push(`DescribeSecret ${secretId}`);
    const secret = this.secret(secretId);
    const VersionIdsToStages: Record<string, string[]> = {};
    for (const [id, version] of secret.versions)
      if (version.stages.size > 0) VersionIdsToStages[id] = [...version.stages];
    return { RotationEnabled: secret.rotationEnabled, VersionIdsToStages };
  }

  async getSecretValue(secretId: string, stage?: string, versionId?: string) {
    this.calls.push(`GetSecretValue ${secretId} ${stage ?? ""} ${versionId ?? ""}`.trim());
    const secret = this.secret(secretId);
    const found = versionId
      ? secret.versions.get(versionId)
      : [...secret.versions.values()].find((version) => version.stages.has(stage ?? "AWSCURRENT"));
    if (!found || (stage && !found.stages.has(stage)) || found.value === undefined) {
      throw error(
        "ResourceNotFoundException",
        `Secrets Manager can't find the specified secret value for staging label: ${stage ?? "AWSCURRENT"}`,
      );
    }
    return { SecretString: found.value };
  }

  async putSecretValue(secretId: string, token: string, value: string, stages: string[]) {
    this.calls.push(`PutSecretValue ${secretId} ${token} ${stages.join(",")}`);
    const secret = this.secret(secretId);
    const existing = secret.versions.get(token);
    if (existing?.value !== undefined) {
      if (existing.value !== value)
        throw error(
          "ResourceExistsException",
          `a version with ClientRequestToken ${token} already exists with a different value`,
        );
      return;
    }
    secret.versions.set(token, { value, stages: existing?.stages ?? new Set() });
    for (const stage of stages) this.attach(secretId, stage, token);
  }

  async updateSecretVersionStage(secretId: string, stage: string, moveTo: string, removeFrom?: string) {
    this.calls.push(`UpdateSecretVersionStage ${secretId} ${stage} ${removeFrom ?? "-"} -> ${moveTo}`);
    const secret = this.secret(secretId);
    if (!secret.versions.has(moveTo)) throw error("ResourceNotFoundException", `no version ${moveTo}`);
    const holder = [...secret.versions.entries()].find(([, version]) => version.stages.has(stage))?.[0];
    if (holder !== undefined && holder !== moveTo && holder !== removeFrom) {
      throw error("InvalidParameterException", `${stage} is attached to ${holder}; RemoveFromVersionId must name it`);
    }
    this.attach(secretId, stage, moveTo);
  }

  private attach(secretId: string, stage: string, versionId: string): void {
    const secret = this.secret(secretId);
    let previousHolder: string | undefined;
    for (const [id, version] of secret.versions) {
      if (id !== versionId && version.stages.delete(stage)) previousHolder = id;
    }
    secret.versions.get(versionId)?.stages.add(stage);
    if (stage === "AWSCURRENT" && previousHolder !== undefined) this.attach(secretId, "AWSPREVIOUS", previousHolder);
  }

  private secret(secretId: string) {
    const secret = this.secrets.get(secretId);
    if (!secret)
      throw error("ResourceNotFoundException", `Secrets Manager can't find the specified secret: ${secretId}`);
    return secret;
  }
}

function error(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
