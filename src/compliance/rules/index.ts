import * as account from "./account";
import * as encryption from "./encryption";
import * as exposure from "./exposure";
import * as hardening from "./hardening";
import * as iam from "./iam";
import * as logging from "./logging";
import * as resilience from "./resilience";

/** The rule pack, in report order: encryption, exposure, logging, resilience, IAM, hardening. */
export const RULES = [
  encryption.rdsStorageEncrypted,
  encryption.rdsForcesTls,
  encryption.elasticacheEncryptedAtRest,
  encryption.elasticacheEncryptedInTransit,
  encryption.s3EncryptedWithKms,
  encryption.s3TlsOnly,
  encryption.secretsEncryptedWithCmk,
  encryption.logGroupsEncrypted,
  encryption.topicsEncrypted,
  encryption.launchTemplateVolumesEncrypted,
  encryption.registryEncryptedWithKms,
  encryption.backupsEncryptedWithCmk,
  encryption.lambdaEnvironmentEncrypted,
  exposure.noWorldIngress,
  exposure.defaultSecurityGroupClosed,
  exposure.s3PublicAccessBlocked,
  exposure.s3AclsDisabled,
  exposure.rdsNotPublic,
  exposure.noPublicIpOnLaunch,
  exposure.albBehindWaf,
  exposure.albDropsInvalidHeaders,
  logging.vpcFlowLogs,
  logging.albAccessLogs,
  logging.wafLogging,
  logging.cloudTrailHardened,
  account.guardDutyEnabled,
  account.configRecording,
  account.securityHubFsbp,
  account.cloudTrailLogging,
  account.cisMetricFilters,
  logging.rdsLogsExported,
  logging.rdsQueryLogging,
  logging.redisLogsDelivered,
  logging.s3AccessLogging,
  logging.logRetentionSet,
  logging.logRetentionOneYear,
  resilience.rdsAutomatedBackups,
  resilience.rdsBackupRetentionWeek,
  resilience.rdsFinalSnapshot,
  resilience.rdsDeletionProtection,
  resilience.rdsMultiAz,
  resilience.rdsCrossRegionBackups,
  resilience.elasticacheBackups,
  resilience.elasticacheFailover,
  resilience.s3Versioning,
  resilience.albDeletionProtection,
  iam.iamNoWildcardResource,
  iam.iamNoWildcardActions,
  iam.iamNoAdministratorAccess,
  iam.iamRolesHaveBoundary,
  iam.servicePrincipalsGuarded,
  hardening.imdsV2Required,
  hardening.kmsKeyRotation,
  hardening.secretRotation,
  hardening.wafManagedRuleGroups,
  hardening.albHttpsOnly,
  hardening.albTlsPolicy,
  hardening.lambdaSupportedRuntime,
] as const;

/** The id of a rule of the pack; suppressions can only name these. */
export type RuleId = (typeof RULES)[number]["id"];
