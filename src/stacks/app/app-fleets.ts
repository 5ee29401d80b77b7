import { Token } from "cdktf";
import { ColourFleet } from "../../constructs/compute/colour-fleet";
import { ServiceInstanceRole } from "../../constructs/compute/instance-role";
import { ServiceTelemetry } from "../../constructs/compute/service-telemetry";
import { UserDataTemplate } from "../../constructs/compute/user-data";
import { EncryptedLogGroup } from "../../constructs/monitoring/encrypted-log-group";
import { COLOURS, Colour } from "../../release/release-state";
import type { AppAssembly } from "./app-assembly";
import { standardTags } from "../../config/naming";

/** The blue and green fleets, what they log to and the secrets they read. */
export interface AppFleets {
  readonly fleets: Record<Colour, ColourFleet>;
  readonly serviceLogs: EncryptedLogGroup;
  /** The service's own rotated login, the Redis token and the app secret; the master secret is for the rotation function and people only. */
  readonly secretArns: { readonly db: string; readonly redis: string; readonly app: string };
  /** One value per colour, picked from each fleet. */
  byColour<T>(pick: (fleet: ColourFleet) => T): Record<Colour, T>;
}

/** Both colours' fleets on the release state, with their instance role, telemetry and container logs. */
export function appFleets({ stack, config, site, aws, sources, release, appKey }: AppAssembly): AppFleets {
  const { app } = config;
  const { network, data, registry } = sources;
  const serviceLogs = new EncryptedLogGroup(stack, "service-logs", {
    name: site.serviceLogGroupName,
    retentionInDays: app.logRetentionDays,
    kmsKeyArn: appKey.arn,
  });
  const secretArns = {
    db: data.string("db_service_secret_arn"),
    redis: data.string("redis_auth_secret_arn"),
    app: data.string("app_secret_arn"),
  };
  const instanceRole = new ServiceInstanceRole(stack, "instance-role", {
    name: `${site.name}-service`,
    region: aws.region,
    secretArns: Object.values(secretArns),
    kmsKeyArns: [data.string("data_kms_key_arn"), registry.keyArn],
    repositoryArn: registry.repositoryArn,
    logGroupArn: serviceLogs.arn,
  });
  const telemetry = new ServiceTelemetry(stack, "telemetry", {
    name: site.name,
    environment: config.environment,
    region: aws.region,
    accountId: aws.accountId,
    serviceName: config.apm.serviceName,
    traceSamplingRatio: config.apm.traceSamplingRatio,
    metricsIntervalSeconds: config.apm.metricsIntervalSeconds,
    processPatterns: config.apm.processes,
  });
  telemetry.grantTo(instanceRole.role);

  const userData = new UserDataTemplate(stack, "user-data");
  const fleet = (colour: Colour) =>
    new ColourFleet(stack, colour, {
      name: `${site.name}-${colour}`,
      colour,
      vpcId: network.string("vpc_id"),
      subnetIds: network.list("private_subnet_ids"),
      securityGroupIds: [network.string("app_security_group_id")],
      imageId: release.amiId(colour),
      instanceType: app.instanceType,
      instanceProfileArn: instanceRole.instanceProfile.arn,
      userDataBase64: userData.base64({
        colour,
        region: aws.region,
        registry: `${aws.accountId}.dkr.ecr.${aws.region}.amazonaws.com`,
        repository_url: registry.repositoryUrl,
        image_digest: release.digest(colour),
        db_secret_arn: secretArns.db,
        redis_secret_arn: secretArns.redis,
        app_secret_arn: secretArns.app,
        db_host: data.string("db_endpoint"),
        db_port: Token.asString(data.number("db_port")),
        db_name: data.string("db_name"),
        redis_host: data.string("redis_endpoint"),
        redis_port: Token.asString(data.number("redis_port")),
        node_env: app.nodeEnv,
        port: String(app.port),
        log_group: serviceLogs.name,
        ...telemetry.userDataValues(colour),
      }),
      port: app.port,
      healthCheckPath: app.healthCheckPath,
      containerNeedsInstanceMetadata: app.containerNeedsInstanceMetadata,
      rootVolumeGb: app.rootVolumeGb,
      minSize: release.capacity(colour, app.capacity.min),
      maxSize: release.capacity(colour, app.capacity.max),
      desiredCapacity: release.capacity(colour, app.capacity.desired),
      healthCheckGracePeriodSeconds: app.healthCheckGracePeriodSeconds,
      minHealthyPercent: app.instanceRefreshMinHealthyPercent,
      preconditions: [release.imagePresence(colour)],
      deregistrationDelaySeconds: app.deregistrationDelaySeconds,
      slowStartSeconds: app.slowStartSeconds,
      targetCpuPercent: app.targetCpuPercent,
      instanceTags: standardTags(config),
    });
  const fleets = Object.fromEntries(COLOURS.map((colour) => [colour, fleet(colour)])) as Record<Colour, ColourFleet>;
  return {
    fleets,
    serviceLogs,
    secretArns,
    byColour: (pick) => ({ blue: pick(fleets.blue), green: pick(fleets.green) }),
  };
}
