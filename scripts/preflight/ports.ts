/** What the preflight reads from the account, read-only. Real ones in aws.ts (AWS SDK v3), a fake in the tests. */

/** The region's GuardDuty detector: feature statuses, Runtime Monitoring's agent settings, its administrator. */
export interface DetectorView {
  readonly id: string;
  /** Feature name -> ENABLED/DISABLED, as GetDetector reports them. */
  readonly features: Readonly<Record<string, string>>;
  /** Additional configuration name of RUNTIME_MONITORING -> ENABLED/DISABLED. */
  readonly runtimeAgents: Readonly<Record<string, string>>;
  /** Account id of the delegated administrator that manages this member, if any. */
  readonly administrator?: string;
}

export interface RecorderView {
  readonly name: string;
  readonly recording: boolean;
}

export interface TrailView {
  readonly arn: string;
  readonly multiRegion: boolean;
  readonly organizationTrail: boolean;
  readonly logging: boolean;
  /** ARN of its CloudWatch Logs group (with :* suffix as CloudTrail reports it), if any. */
  readonly logGroupArn?: string;
}

export interface AccountReader {
  /** The region's detector, or undefined when GuardDuty is not enabled (ListDetectors is empty). */
  detector(): Promise<DetectorView | undefined>;
  /** The region's configuration recorders with their recording status. */
  configRecorders(): Promise<RecorderView[]>;
  /** ARNs of the enabled Security Hub standards, or undefined when the account is not subscribed. */
  securityHubStandards(): Promise<string[] | undefined>;
  /** The trail by ARN as the account sees it (an organisation trail shows in members), or undefined. */
  trail(arn: string): Promise<TrailView | undefined>;
  /** Trails of this account by name, to tell whether a create would clash. */
  trailNames(): Promise<string[]>;
  /** The region's analyzers of this account: ARN and type (ACCOUNT or ORGANIZATION). */
  analyzers(): Promise<{ arn: string; type: string }[]>;
  /** Client ids of the account's OIDC provider at this ARN, or undefined when there is none. */
  oidcProviderClientIds(arn: string): Promise<string[] | undefined>;
}
