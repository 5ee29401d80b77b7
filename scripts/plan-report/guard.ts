/**
 * The data-loss guard's rules: which planned changes lose data, backups, or the protections that
 * keep data from being lost. Each rule reads one raw resource change (in memory, in the plan job)
 * and returns risks whose text holds only attribute names and non-sensitive settings.
 */

/** Resource types whose loss loses data, or access to it. */
export const STATEFUL_TYPES = [
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_elasticache_replication_group",
  "aws_elasticache_cluster",
  "aws_kms_key",
  "aws_kms_replica_key",
  "aws_s3_bucket",
  "aws_secretsmanager_secret",
  "aws_backup_vault",
  "aws_cloudwatch_log_group",
  // Replacing it deletes every image in it.
  "aws_ecr_repository",
  // The release state: replacing it re-seeds it empty, and both fleets would scale to 0.
  "aws_ssm_parameter",
  // Replacing it changes a live credential (the Redis AUTH token, the app secret).
  "random_password",
] as const;

export type Action = "create" | "update" | "replace" | "destroy" | "forget";

export type RuleId =
  | "stateful-replace"
  | "stateful-destroy"
  | "stateful-forget"
  | "key-deletion"
  | "key-disabled"
  | "backup-retention"
  | "deletion-protection"
  | "skip-final-snapshot"
  | "versioning-suspended";

/** A change the guard blocks unless the address is allowed. */
export interface Risk {
  readonly address: string;
  readonly type: string;
  readonly rule: RuleId;
  /** One line for reviewers: what would happen. */
  readonly detail: string;
}

/** What the guard holds an environment to. */
export interface GuardPolicy {
  /** Lowest automated-backup retention (days) a database may be planned with; 0 is always blocked. */
  readonly minBackupRetentionDays: number;
}

export const DEFAULT_POLICY: GuardPolicy = { minBackupRetentionDays: 1 };

export interface GuardedChange {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  readonly before: any;
  readonly after: any;
}

const isStateful = (type: string) => (STATEFUL_TYPES as readonly string[]).includes(type);
const DATABASES = ["aws_db_instance", "aws_rds_cluster"];
const CACHES = ["aws_elasticache_replication_group", "aws_elasticache_cluster"];
const KEYS: Record<string, string> = { aws_kms_key: "is_enabled", aws_kms_replica_key: "enabled" };

type Rule = (change: GuardedChange, policy: GuardPolicy) => Omit<Risk, "address" | "type">[];

const statefulLoss: Rule = ({ type, action }) => {
  if (!isStateful(type)) return [];
  if (type in KEYS && (action === "destroy" || action === "replace")) {
    return [
      {
        rule: "key-deletion",
        detail: `KMS key scheduled for deletion${action === "replace" ? " (replaced)" : ""}: everything it encrypts becomes unreadable when the window ends`,
      },
    ];
  }
  if (action === "replace")
    return [{ rule: "stateful-replace", detail: "replaced: the old one and its data are deleted" }];
  if (action === "destroy") return [{ rule: "stateful-destroy", detail: "destroyed" }];
  if (action === "forget") {
    return [
      {
        rule: "stateful-forget",
        detail: "forgotten (removed from state, not destroyed): Terraform stops managing it and its protections",
      },
    ];
  }
  return [];
};

/** `before` is absent for creates; a rule compares to it only when it exists. */
const changed = (change: GuardedChange, attribute: string) =>
  (change.before ?? {})[attribute] !== (change.after ?? {})[attribute];
const living = (change: GuardedChange) =>
  change.action === "create" || change.action === "update" || change.action === "replace";

const backupRetention: Rule = (change, policy) => {
  if (!living(change) || (change.action !== "create" && !changed(change, "backup_retention_period"))) return [];
  if (DATABASES.includes(change.type)) {
    const days = change.after?.backup_retention_period;
    const minimum = Math.max(1, policy.minBackupRetentionDays);
    if (typeof days === "number" && days < minimum) {
      const consequence =
        days === 0
          ? "0 turns automated backups off and deletes the existing ones"
          : `the environment's minimum is ${minimum}`;
      return [
        {
          rule: "backup-retention",
          detail: `backup_retention_period ${change.before?.backup_retention_period ?? "(new)"} → ${days}: ${consequence}`,
        },
      ];
    }
  }
  return [];
};

const snapshotRetention: Rule = (change) => {
  if (!CACHES.includes(change.type) || change.action === "create" || !living(change)) return [];
  const before = change.before?.snapshot_retention_limit;
  const after = change.after?.snapshot_retention_limit;
  if (typeof before === "number" && before > 0 && after === 0) {
    return [
      { rule: "backup-retention", detail: `snapshot_retention_limit ${before} → 0: turns automatic snapshots off` },
    ];
  }
  return [];
};

const deletionProtection: Rule = (change) => {
  if (!isStateful(change.type) || !living(change) || change.action === "create") return [];
  if (change.before?.deletion_protection === true && change.after?.deletion_protection === false) {
    return [{ rule: "deletion-protection", detail: "deletion_protection true → false" }];
  }
  return [];
};

const skipFinalSnapshot: Rule = (change) => {
  if (!DATABASES.includes(change.type) || !living(change) || change.action === "create") return [];
  if (change.before?.skip_final_snapshot !== true && change.after?.skip_final_snapshot === true) {
    return [
      {
        rule: "skip-final-snapshot",
        detail: "skip_final_snapshot turned on: deleting it would keep no final snapshot",
      },
    ];
  }
  return [];
};

const keyDisabled: Rule = (change) => {
  const attribute = KEYS[change.type];
  if (!attribute || !living(change) || change.action === "create") return [];
  if (change.before?.[attribute] !== false && change.after?.[attribute] === false) {
    return [
      {
        rule: "key-disabled",
        detail: `KMS key disabled (${attribute} → false): everything it encrypts becomes unreadable`,
      },
    ];
  }
  return [];
};

/**
 * Versioning is what lets the state and log buckets recover an overwritten or deleted object. Any
 * bucket's versioning going from Enabled to anything else is blocked: every versioned bucket here
 * is versioned for that reason. Deleting an aws_s3_bucket_versioning suspends versioning
 * (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_versioning).
 */
const versioningSuspended: Rule = (change) => {
  if (change.type === "aws_s3_bucket_versioning") {
    const before = change.before?.versioning_configuration?.[0]?.status;
    const after =
      change.action === "destroy" || change.action === "forget"
        ? undefined
        : change.after?.versioning_configuration?.[0]?.status;
    if (before === "Enabled" && after !== "Enabled" && change.action !== "forget") {
      return [
        {
          rule: "versioning-suspended",
          detail: `versioning of bucket ${change.before?.bucket ?? "?"} suspended (Enabled → ${after ?? "Suspended, by deleting the resource"})`,
        },
      ];
    }
  }
  if (change.type === "aws_s3_bucket" && change.action === "update") {
    if (change.before?.versioning?.[0]?.enabled === true && change.after?.versioning?.[0]?.enabled === false) {
      return [
        { rule: "versioning-suspended", detail: `versioning of bucket ${change.before?.bucket ?? "?"} suspended` },
      ];
    }
  }
  return [];
};

const RULES: Rule[] = [
  statefulLoss,
  backupRetention,
  snapshotRetention,
  deletionProtection,
  skipFinalSnapshot,
  keyDisabled,
  versioningSuspended,
];

/** Every risk one change carries. */
export function risksOf(change: GuardedChange, policy: GuardPolicy = DEFAULT_POLICY): Risk[] {
  return RULES.flatMap((rule) => rule(change, policy)).map((risk) => ({
    address: change.address,
    type: change.type,
    ...risk,
  }));
}
