/**
 * An in-memory Secrets Manager for one secret, shaped after the Redis rotation function's port: its versions and staging labels. Moving AWSCURRENT
 * puts AWSPREVIOUS on the version that had it and takes it from the one before, as Secrets Manager
 * does: https://docs.aws.amazon.com/secretsmanager/latest/userguide/getting-started.html#term_version
 */
export class FakeSingleSecret {
  readonly versions: Record<string, string[]> = {};
  readonly values: Record<string, string> = {};
  readonly calls: string[] = [];
  private generated = 0;

  constructor(readonly secretId: string) {}

  /** What RotateSecret does before it invokes the function: a new AWSPENDING version id. */
  startRotation(token: string): void {
    this.versions[token] = ["AWSPENDING"];
  }

  current(): string | undefined {
    const id = Object.keys(this.versions).find((version) => this.versions[version].includes("AWSCURRENT"));
    return id === undefined ? undefined : this.values[id];
  }

  async describeSecret() {
    return { RotationEnabled: true, VersionIdsToStages: structuredClone(this.versions) };
  }

  async getSecretValue(_: string, versionId: string) {
    if (!(versionId in this.values))
      throw Object.assign(new Error("version not found"), { name: "ResourceNotFoundException" });
    return { SecretString: this.values[versionId] };
  }

  async getPendingValue(_: string, versionId: string) {
    if (!this.versions[versionId]?.includes("AWSPENDING"))
      throw Object.assign(new Error("not found"), { name: "ResourceNotFoundException" });
    return this.getSecretValue(_, versionId);
  }

  async putSecretValue(_: string, token: string, value: string, stages: string[]) {
    this.calls.push(`put ${token}`);
    this.values[token] = value;
    this.versions[token] = stages;
  }

  async updateSecretVersionStage(_: string, stage: string, moveTo: string, removeFrom?: string) {
    this.calls.push(`move ${stage} ${removeFrom ?? "-"} -> ${moveTo}`);
    if (stage === "AWSCURRENT") {
      for (const version of Object.keys(this.versions))
        this.versions[version] = this.versions[version].filter((label) => label !== "AWSPREVIOUS");
      if (removeFrom)
        this.versions[removeFrom] = [
          ...this.versions[removeFrom].filter((label) => label !== "AWSCURRENT"),
          "AWSPREVIOUS",
        ];
    }
    this.versions[moveTo] = [...this.versions[moveTo].filter((label) => label !== "AWSPENDING"), stage];
  }

  /** Distinct, valid tokens (the real one is random). */
  async getRandomAlphanumeric(length: number) {
    this.generated++;
    return `Token${this.generated}`.padEnd(length, "x");
  }
}
