import { Fn, Op, Token } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import type { RestoreMode } from "../../config/restore-mode";
import { PinnedReleaseState } from "../../constructs/release/pinned-release-state";
import { IDLE_IS_GREEN_AT_OR_BELOW } from "../../release/release-state";
import { appHandover } from "../app/app-handover";
import type { AppSite } from "../app/app-site";
import { AppStack } from "../app/app-stack";
import { dataHandover } from "../data/data-handover";
import { drNetworkHandover } from "./dr-handovers";
import { HandoverReader } from "../shared/handover";
import { drResourcePrefix, serviceLogGroupName } from "../../config/naming";

/** What the DR app takes from restore mode; a drill's stack keeps its state apart, a drill's and a decommission's load balancer is unprotected (unset: neither). */
export type DrAppRestore = Pick<RestoreMode, "cutover" | "imageDigest" | "decommission"> &
  Partial<Pick<RestoreMode, "drill">>;

/**
 * The DR site of the app: aws.drRegion, named auth-<env>-dr, on the pilot light (network,
 * repository replica, certificate) and the restored data tier, reading only the DR state bucket.
 *
 * The release: the primary's release-state parameter is in aws.region, out of reach. The fleets
 * run the digest given in AUTH_DR_IMAGE_DIGEST or, by default, the digest the primary was serving
 * (its live colour's), read from the replica of the primary app state in the DR bucket
 * (current_release). That needs no operator input and no AWS call at plan time, and it is at most
 * one S3 RTC window (15 minutes) old; a release finished in that window is the only way it can
 * lag, and the digest override is the answer then. The digest is replicated into the pilot
 * light's repository on push, so the plan's image check finds it there.
 */
export function drAppSite(config: EnvironmentConfig, restore: DrAppRestore): AppSite {
  const { environment, aws } = config;
  // Read once, in sources (the app stack calls it first); dns takes the pilot light's certificate from it.
  let pilotLight: HandoverReader<typeof drNetworkHandover> | undefined;
  return {
    layer: "dr-app",
    region: aws.drRegion,
    drill: restore.drill,
    // A drill's teardown and a decommission destroy the load balancer, which AWS refuses while it is protected.
    loadBalancerDeletionProtection: config.app.albDeletionProtection && !restore.drill && !restore.decommission,
    name: drResourcePrefix(environment),
    serviceLogGroupName: serviceLogGroupName(environment, "dr"),
    sources: (stack) => {
      const network = (pilotLight = new HandoverReader(stack, "network", config, "dr-network", drNetworkHandover));
      // The restored data tier's contract: its endpoints, and the ARNs of the replicated secrets.
      const data = new HandoverReader(stack, "data", config, "dr-data", dataHandover, { drill: restore.drill });
      return {
        network,
        data,
        registry: {
          repositoryUrl: network.string("repository_url"),
          repositoryArn: network.string("repository_arn"),
          keyArn: network.string("registry_key_arn"),
        },
      };
    },
    release: (stack) => {
      if (restore.imageDigest) {
        return new PinnedReleaseState(stack, "release", {
          digest: restore.imageDigest,
          repositoryName: config.registry.repositoryName,
          description: "AUTH_DR_IMAGE_DIGEST",
        });
      }
      const primary = new HandoverReader(stack, "primary-app", config, "app", appHandover, { replica: true });
      const greenIsLive = Op.gt(
        Token.asNumber(primary.field("current_release", "green_traffic_percent")),
        IDLE_IS_GREEN_AT_OR_BELOW,
      );
      return new PinnedReleaseState(stack, "release", {
        digest: Token.asString(
          Fn.conditional(
            greenIsLive,
            primary.field("current_release", "green_digest"),
            primary.field("current_release", "blue_digest"),
          ),
        ),
        repositoryName: config.registry.repositoryName,
        description: "the primary's live digest, from the replica of its app state",
      });
    },
    dns: () => ({
      mode: restore.cutover ? "dr-cutover" : "dr-standby",
      certificateArn: pilotLight!.string("certificate_arn"),
    }),
    // The restored data tier has no alarms of its own yet; charting the primary's would chart another region's instances.
    dataAlarms: [],
  };
}

/**
 * auth-<env>-dr-app, restore mode only: the app stack in aws.drRegion (ALB, WAF, fleets, alarms,
 * dashboard, all named auth-<env>-dr) on the replicated image and the replicated secrets. It
 * changes no DNS unless AUTH_DR_CUTOVER=1, which moves the service's alias records to its ALB.
 */
export class DrAppStack extends AppStack {
  constructor(scope: Construct, config: EnvironmentConfig, restore: DrAppRestore = {}) {
    super(scope, config, drAppSite(config, restore));
  }
}
