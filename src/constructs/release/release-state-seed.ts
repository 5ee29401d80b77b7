import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { AL2023_AMI_PARAMETER, seedReleaseState } from "../../release/release-state";

export interface ReleaseStateSeedProps {
  /** Name of the release state parameter. */
  readonly parameterName: string;
}

/**
 * Creates the release state parameter on the first deploy, with no image on either colour and
 * the current Amazon Linux 2023 AMI. Afterwards Terraform ignores its value, so no deploy, diff or
 * plan can reset a release. The release store's item is created from it once (ReleaseStateTable):
 * the seed of a fresh environment, or a deployed environment's current state.
 */
export class ReleaseStateSeed extends Construct {
  readonly parameter: SsmParameter;

  constructor(scope: Construct, id: string, props: ReleaseStateSeedProps) {
    super(scope, id);
    const ami = new DataAwsSsmParameter(this, "al2023-ami", { name: AL2023_AMI_PARAMETER });
    const seed = seedReleaseState("AMI");
    this.parameter = new SsmParameter(this, "parameter", {
      name: props.parameterName,
      description:
        "Release state of the app stack (image digest and AMI per colour, traffic split); written only by npm run release",
      type: "String",
      tier: "Standard",
      insecureValue: Fn.jsonencode({
        ...seed,
        blue: { ...seed.blue, amiId: ami.insecureValue },
        green: { ...seed.green, amiId: ami.insecureValue },
      }),
      lifecycle: { ignoreChanges: ["insecure_value"] },
    });
  }
}
