import type { EnvironmentConfig } from "../../config/schema/schema";
import type { AlarmDefinition } from "../../constructs/monitoring/alarm-factory";
import { alarmPrefix } from "../../constructs/monitoring/alarm-names";
import { ReleaseStateReader, ReleaseStateView } from "../../constructs/release/release-state-reader";
import type { BaseStack } from "../shared/base-stack";
import { dataAlarmDefinitionsOf } from "../data/data-alarm-definitions";
import { dataHandover } from "../data/data-handover";
import { HandoverReader } from "../shared/handover";
import { releaseTableName, serviceLogGroupName, type Layer } from "../../config/naming";
import { networkHandover } from "../network/network-handover";
import { registryHandover } from "../registry/registry-handover";

/** What the app is built on: the network and data contracts and the image repository, from whichever stacks the site reads. */
export interface AppSources {
  readonly network: Pick<HandoverReader<typeof networkHandover>, "string" | "list">;
  readonly data: Pick<HandoverReader<typeof dataHandover>, "string" | "number">;
  /** The repository the fleets pull from, and the key its images are encrypted with. */
  readonly registry: { readonly repositoryUrl: string; readonly repositoryArn: string; readonly keyArn: string };
}

/**
 * How the service's names reach the load balancer: `primary` requests the certificate, creates the
 * zone when dns.hostedZoneId is unset and owns the alias records; the DR site uses the pilot light's
 * certificate and only takes the records over in a cutover (`dr-standby` leaves them alone).
 */
export type AppDns =
  { readonly mode: "primary" } | { readonly mode: "dr-standby" | "dr-cutover"; readonly certificateArn: string };

/** Where an app stack runs and what it reads: the primary site, or the DR site in restore mode. */
export interface AppSite {
  readonly layer: Extract<Layer, "app" | "dr-app">;
  readonly region: string;
  /** A DR drill's restore stack: state under <env>/drill/. @default false */
  readonly drill?: boolean;
  /** The load balancer's deletion protection. @default config.app.albDeletionProtection */
  readonly loadBalancerDeletionProtection?: boolean;
  /** Prefix of every name, the alarms' and the dashboard's too; IAM names and dashboards are account-wide, so the sites' prefixes differ. */
  readonly name: string;
  /** Log group of the service's container logs. */
  readonly serviceLogGroupName: string;
  /** Reads the handovers the app is built on (called first, in the app stack). */
  readonly sources: (stack: BaseStack) => AppSources;
  /** The release the fleets run (called in the app stack). */
  readonly release: (stack: BaseStack) => ReleaseStateView;
  /** Certificate and alias records, from the stack's own DNS construct (primary) or the pilot light's (DR). */
  readonly dns: (stack: BaseStack) => AppDns;
  /** The data tier's alarms the dashboard charts (the primary data stack's; the restored tier has none of its own). */
  readonly dataAlarms: readonly AlarmDefinition[];
}

/** The primary site: aws.region, on the network, data and registry stacks and the release tool's release state. */
export function primaryAppSite(config: EnvironmentConfig): AppSite {
  return {
    layer: "app",
    region: config.aws.region,
    // auth-<env>: also the prefix the release tool reads the colours' alarms by.
    name: alarmPrefix(config.environment),
    serviceLogGroupName: serviceLogGroupName(config.environment),
    sources: (stack) => {
      const network = new HandoverReader(stack, "network", config, "network", networkHandover);
      const data = new HandoverReader(stack, "data", config, "data", dataHandover);
      const registry = new HandoverReader(stack, "registry", config, "registry", registryHandover);
      return {
        network,
        data,
        registry: {
          repositoryUrl: registry.string("repository_url"),
          repositoryArn: registry.string("repository_arn"),
          keyArn: registry.string("registry_key_arn"),
        },
      };
    },
    // The table's name comes from naming.ts, so a plan does not wait on the registry's state for it.
    release: (stack) =>
      new ReleaseStateReader(stack, "release", {
        tableName: releaseTableName(config.environment),
        repositoryName: config.registry.repositoryName,
        maxCapacity: config.app.capacity.max,
      }),
    dns: () => ({ mode: "primary" }),
    dataAlarms: dataAlarmDefinitionsOf(config),
  };
}
