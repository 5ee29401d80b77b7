import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface DatabaseBackupPlanProps {
  /** Prefix of the vault, plan and role names, e.g. auth-production. */
  readonly name: string;
  /** ARNs of the resources to back up. */
  readonly resourceArns: string[];
  /** Key of the primary vault. */
  readonly kmsKeyArn: string;
  /** cron() expression of the daily job, in UTC. */
  readonly schedule: string;
  /** Days recovery points are kept in the primary region. */
  readonly retentionDays: number;
  /** The DR region's provider and key, and how long copies are kept there. */
  readonly disasterRecovery: {
    readonly provider: TerraformProvider;
    readonly kmsKeyArn: string;
    readonly retentionDays: number;
  };
}

/**
 * AWS Backup for the database: a daily snapshot into an encrypted vault, copied to a vault in
 * the DR region, so a regional outage leaves a restorable snapshot independent of RDS's own
 * automated backups.
 */
export class DatabaseBackupPlan extends Construct {
  readonly vault: BackupVault;
  readonly drVault: BackupVault;

  constructor(scope: Construct, id: string, props: DatabaseBackupPlanProps) {
    super(scope, id);
    this.vault = new BackupVault(this, "vault", { name: `${props.name}-backups`, kmsKeyArn: props.kmsKeyArn });
    this.drVault = new BackupVault(this, "dr-vault", {
      provider: props.disasterRecovery.provider,
      name: `${props.name}-backups-dr`,
      kmsKeyArn: props.disasterRecovery.kmsKeyArn,
    });
    const plan = new BackupPlan(this, "plan", {
      name: `${props.name}-daily`,
      rule: [
        {
          ruleName: "daily-with-dr-copy",
          targetVaultName: this.vault.name,
          schedule: props.schedule,
          startWindow: 60,
          completionWindow: 240,
          lifecycle: { deleteAfter: props.retentionDays },
          copyAction: [
            {
              destinationVaultArn: this.drVault.arn,
              lifecycle: { deleteAfter: props.disasterRecovery.retentionDays },
            },
          ],
        },
      ],
    });
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["backup.amazonaws.com"] }] },
      ],
    });
    const role = new IamRole(this, "role", { name: `${props.name}-backup`, assumeRolePolicy: trust.json });
    for (const [policyId, policy] of [
      ["backup", "AWSBackupServiceRolePolicyForBackup"],
      ["restore", "AWSBackupServiceRolePolicyForRestores"],
    ]) {
      new IamRolePolicyAttachment(this, `${policyId}-policy`, {
        role: role.name,
        policyArn: `arn:aws:iam::aws:policy/service-role/${policy}`,
      });
    }
    new BackupSelection(this, "selection", {
      name: `${props.name}-database`,
      planId: plan.id,
      iamRoleArn: role.arn,
      resources: props.resourceArns,
    });
  }
}
