import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Construct } from "constructs";
import { AMI_ID_PATTERN } from "../../config/schema/image-references";
import { AL2023_AMI_PARAMETER } from "../../release/release-state";
import { ReleaseStateView } from "./release-state-reader";

export interface PinnedReleaseStateProps {
  /** Digest blue runs (a Terraform expression or a literal); "" runs no instance. */
  readonly digest: string;
  /** Repository the digest must exist in (the provider's region). */
  readonly repositoryName: string;
  /** Where the digest comes from, for the messages of a failed plan. */
  readonly description: string;
}

/**
 * A release state pinned by the stack instead of read from the release tool's parameter: blue
 * serves the given digest with all traffic, green is empty. What a DR restore runs, as the
 * primary's release-state parameter is out of reach in an outage. AMI ids are regional, so the
 * AMI is the region's newest Amazon Linux 2023, read from AWS's public parameter
 * (https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-from-ec2-console).
 */
export class PinnedReleaseState extends ReleaseStateView {
  readonly ami: DataAwsSsmParameter;

  constructor(scope: Construct, id: string, props: PinnedReleaseStateProps) {
    super(scope, id, { repositoryName: props.repositoryName, description: props.description });
    this.ami = new DataAwsSsmParameter(this, "ami", {
      name: AL2023_AMI_PARAMETER,
      lifecycle: {
        postcondition: [
          {
            condition: `\${can(regex("${AMI_ID_PATTERN}", self.insecure_value))}`,
            errorMessage: `${AL2023_AMI_PARAMETER} is not an AMI id.`,
          },
        ],
      },
    });
    const amiId = this.ami.insecureValue;
    this.keep({
      version: 1,
      blue: { digest: props.digest, amiId },
      green: { digest: "", amiId },
      greenTrafficPercent: 0,
      idleCapacity: 0,
    });
  }
}
