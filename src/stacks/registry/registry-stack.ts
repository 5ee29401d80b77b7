import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { ContainerRegistry } from "../../constructs/compute/container-registry";
import { ImagePushRole } from "../../constructs/registry/image-push-role";
import { ImageReplication, ReplicationDestination } from "../../constructs/registry/image-replication";
import { ReleaseStateSeed } from "../../constructs/release/release-state-seed";
import { ReleaseStateTable } from "../../constructs/release/release-state-table";
import { EncryptionKey } from "../../constructs/security/encryption-key";
import { releaseTagPrefix } from "../../release/image-protection";
import { releaseLeaseParameterName, releaseStateParameterName } from "../../release/release-state";
import { BaseStack } from "../shared/base-stack";
import { imagePushRoleName, releaseTableName, resourcePrefix, stackName } from "../../config/naming";
import { publishHandover } from "../shared/handover";
import { registryHandover } from "./registry-handover";

/**
 * auth-<env>-registry: the image repository and the release store, deployed before any fleet,
 * so an image can be pushed and a release state exists before the app stack first boots.
 */
export class RegistryStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, { config, layer: "registry" });
    const { aws, registry } = config;
    const key = new EncryptionKey(this, "registry-key", {
      description: `Encrypts the ${resourcePrefix(config.environment)} service images`,
      alias: stackName(config.environment, "registry"),
      accountId: aws.accountId,
    });
    const repository = new ContainerRegistry(this, "repository", {
      name: registry.repositoryName,
      kmsKeyArn: key.arn,
      keepImages: registry.keepImages,
      protectedTagPrefix: releaseTagPrefix(config.environment),
    });
    // Images are copied from the registry they were pushed to, straight into every pilot light:
    // the receiving environment's DR region, and this one's (its repository is auth-<env>-dr-network's).
    const { replicateTo } = registry;
    const destinations = [
      ...(replicateTo
        ? [replicateTo.region, ...(replicateTo.drRegion ? [replicateTo.drRegion] : [])].map((region) => ({
            accountId: replicateTo.accountId,
            region,
          }))
        : []),
      ...(config.dr.pilotLight ? [{ accountId: aws.accountId, region: aws.drRegion }] : []),
    ];
    if (destinations.length > 0) {
      new ImageReplication(this, "replication", { repositoryName: registry.repositoryName, destinations });
    }
    if (registry.acceptReplicationFrom) {
      new ReplicationDestination(this, "replication-destination", {
        sourceAccountId: registry.acceptReplicationFrom,
        accountId: aws.accountId,
        region: aws.region,
        repositoryName: registry.repositoryName,
      });
    }
    const pusher =
      registry.pushFromRepositories.length > 0
        ? new ImagePushRole(this, "image-push", {
            name: imagePushRoleName(config.environment),
            accountId: aws.accountId,
            repositories: registry.pushFromRepositories,
            workflowRepository: config.ci.githubRepository,
            workflowRefs: registry.pushWorkflowRefs,
            repositoryArn: repository.repository.arn,
          })
        : undefined;
    const state = new ReleaseStateSeed(this, "release-state", {
      parameterName: releaseStateParameterName(config.environment),
    });
    // The release tool's store: the seeded state (or a deployed environment's current one) moves into it.
    const store = new ReleaseStateTable(this, "release-store", {
      tableName: releaseTableName(config.environment),
      legacyStateParameter: state.parameter,
      legacyLeaseParameterName: releaseLeaseParameterName(config.environment),
    });
    publishHandover(this, registryHandover, {
      repository_url: repository.repository.repositoryUrl,
      repository_name: repository.repository.name,
      repository_arn: repository.repository.arn,
      registry_key_arn: key.arn,
      release_state_table: store.table.name,
      image_push_role_arn: pusher?.role.arn ?? "",
    });
  }
}
