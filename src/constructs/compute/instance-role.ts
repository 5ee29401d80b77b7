import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { secretReadStatement } from "../data/generated-secret";
import { logWriteStatement } from "../monitoring/encrypted-log-group";
import { imagePullStatement } from "./container-registry";

export interface ServiceInstanceRoleProps {
  /** Name of the role and its instance profile. */
  readonly name: string;
  /** Region whose Secrets Manager and ECR may decrypt with the keys on the role's behalf. */
  readonly region: string;
  /** The secrets the service reads at start-up, and nothing else. */
  readonly secretArns: string[];
  /** Keys the secrets and images are encrypted with. */
  readonly kmsKeyArns: string[];
  /** Repository the instances pull from. */
  readonly repositoryArn: string;
  /** Log group the container writes to. */
  readonly logGroupArn: string;
}

/**
 * The app instances' role: read its own secrets, pull its own images, write its own logs, and
 * be reachable through Session Manager (there is no SSH).
 */
export class ServiceInstanceRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: ServiceInstanceRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] },
      ],
    });
    this.role = new IamRole(this, "role", { name: props.name, assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        secretReadStatement(props.secretArns, "ReadServiceSecrets"),
        {
          sid: "DecryptServiceSecrets",
          actions: ["kms:Decrypt"],
          resources: props.kmsKeyArns,
          // Only as Secrets Manager or ECR decrypt on the instance's behalf, never directly.
          condition: [
            {
              test: "StringEquals",
              variable: "kms:ViaService",
              values: [`secretsmanager.${props.region}.amazonaws.com`, `ecr.${props.region}.amazonaws.com`],
            },
          ],
        },
        imagePullStatement(props.repositoryArn, "PullServiceImages"),
        // The registry login token is account-wide; IAM accepts no narrower resource for it.
        { sid: "LogInToRegistry", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        logWriteStatement(props.logGroupArn, "WriteServiceLogs"),
      ],
    });
    new IamRolePolicy(this, "permissions-policy", { name: props.name, role: this.role.id, policy: permissions.json });
    new IamRolePolicyAttachment(this, "session-manager", {
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    });
    this.instanceProfile = new IamInstanceProfile(this, "profile", { name: props.name, role: this.role.name });
  }
}
