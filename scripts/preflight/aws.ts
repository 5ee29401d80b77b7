/** The real AccountReader: read-only AWS SDK v3 calls in the environment's account and region. */
import { AccessAnalyzerClient, ListAnalyzersCommand } from "@aws-sdk/client-accessanalyzer";
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from "@aws-sdk/client-config-service";
import {
  GetAdministratorAccountCommand,
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from "@aws-sdk/client-guardduty";
import { GetOpenIDConnectProviderCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetEnabledStandardsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { AccountReader } from "./ports";

/** Error names the SDK gives a lookup of something absent (the caller turns them into "undefined"). */
const ABSENT = new Set([
  "NoSuchEntityException",
  "InvalidAccessException",
  "TrailNotFoundException",
  "ResourceNotFoundException",
]);

async function orAbsent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (ABSENT.has((error as Error).name)) return undefined;
    throw error;
  }
}

export function awsAccountReader(region: string): AccountReader {
  const guardDuty = new GuardDutyClient({ region });
  const configService = new ConfigServiceClient({ region });
  const securityHub = new SecurityHubClient({ region });
  const cloudTrail = new CloudTrailClient({ region });
  const analyzer = new AccessAnalyzerClient({ region });
  const iam = new IAMClient({ region });
  return {
    async detector() {
      const { DetectorIds = [] } = await guardDuty.send(new ListDetectorsCommand({}));
      if (DetectorIds.length === 0) return undefined;
      const id = DetectorIds[0];
      const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: id }));
      const administrator = await orAbsent(() =>
        guardDuty.send(new GetAdministratorAccountCommand({ DetectorId: id })),
      );
      const runtime = detector.Features?.find((feature) => feature.Name === "RUNTIME_MONITORING");
      return {
        id,
        features: Object.fromEntries((detector.Features ?? []).map((feature) => [feature.Name!, feature.Status!])),
        runtimeAgents: Object.fromEntries(
          (runtime?.AdditionalConfiguration ?? []).map((agent) => [agent.Name!, agent.Status!]),
        ),
        administrator: administrator?.Administrator?.AccountId,
      };
    },
    async configRecorders() {
      const { ConfigurationRecordersStatus = [] } = await configService.send(
        new DescribeConfigurationRecorderStatusCommand({}),
      );
      return ConfigurationRecordersStatus.map((recorder) => ({
        name: recorder.name ?? "default",
        recording: recorder.recording === true,
      }));
    },
    async securityHubStandards() {
      const enabled = await orAbsent(() => securityHub.send(new GetEnabledStandardsCommand({})));
      return (
        enabled &&
        (enabled.StandardsSubscriptions ?? [])
          .filter((standard) => standard.StandardsStatus === "READY" || standard.StandardsStatus === "PENDING")
          .map((standard) => standard.StandardsArn!)
      );
    },
    async trail(arn) {
      const { trailList = [] } = await cloudTrail.send(
        new DescribeTrailsCommand({ trailNameList: [arn], includeShadowTrails: true }),
      );
      const trail = trailList.find((candidate) => candidate.TrailARN === arn);
      if (!trail) return undefined;
      const trailStatus = await orAbsent(() => cloudTrail.send(new GetTrailStatusCommand({ Name: arn })));
      return {
        arn,
        multiRegion: trail.IsMultiRegionTrail === true,
        organizationTrail: trail.IsOrganizationTrail === true,
        logging: trailStatus?.IsLogging === true,
        logGroupArn: trail.CloudWatchLogsLogGroupArn,
      };
    },
    async trailNames() {
      const { trailList = [] } = await cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
      return trailList.map((trail) => trail.Name!);
    },
    async analyzers() {
      const { analyzers = [] } = await analyzer.send(new ListAnalyzersCommand({}));
      return analyzers.map((entry) => ({ arn: entry.arn!, type: entry.type! }));
    },
    async oidcProviderClientIds(arn) {
      const provider = await orAbsent(() =>
        iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
      );
      return provider && (provider.ClientIDList ?? []);
    },
  };
}
