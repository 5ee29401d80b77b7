import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcrRegistryPolicy } from "@cdktf/provider-aws/lib/ecr-registry-policy";
import { EcrReplicationConfiguration } from "@cdktf/provider-aws/lib/ecr-replication-configuration";
import { Construct } from "constructs";

export interface ImageReplicationProps {
  /** Repository whose pushes are copied. */
  readonly repositoryName: string;
  /** Registries (account and region) the images are copied into: another account, the DR region, or both. */
  readonly destinations: readonly { readonly accountId: string; readonly region: string }[];
}

/**
 * Copies every image pushed to the repository into other registries. ECR replication copies the
 * manifest unchanged, so the digest staging released is exactly the digest production pulls, and
 * the digest a DR fleet pulls in the DR region. A registry has one replication configuration, so
 * every destination is one rule's; another account must accept it (ReplicationDestination), the
 * own account's other regions need nothing
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-settings-examples.html).
 */
export class ImageReplication extends Construct {
  constructor(scope: Construct, id: string, props: ImageReplicationProps) {
    super(scope, id);
    new EcrReplicationConfiguration(this, "configuration", {
      replicationConfiguration: {
        rule: [
          {
            destination: props.destinations.map((destination) => ({
              region: destination.region,
              registryId: destination.accountId,
            })),
            repositoryFilter: [{ filter: props.repositoryName, filterType: "PREFIX_MATCH" }],
          },
        ],
      },
    });
  }
}

export interface ReplicationDestinationProps {
  /** Account whose registry replicates into this one. */
  readonly sourceAccountId: string;
  /** This registry's account. */
  readonly accountId: string;
  /** This registry's region. */
  readonly region: string;
  /** Repository the source may replicate into. */
  readonly repositoryName: string;
}

/** Lets one source account replicate into this registry's repository (a registry policy; nothing else). */
export class ReplicationDestination extends Construct {
  constructor(scope: Construct, id: string, props: ReplicationDestinationProps) {
    super(scope, id);
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AcceptReplicationFromSource",
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${props.sourceAccountId}:root`] }],
          // Both are needed: replication creates the repository when it does not exist yet.
          actions: ["ecr:CreateRepository", "ecr:ReplicateImage"],
          resources: [`arn:aws:ecr:${props.region}:${props.accountId}:repository/${props.repositoryName}`],
        },
      ],
    });
    new EcrRegistryPolicy(this, "registry-policy", { policy: policy.json });
  }
}
