import { PostgresDatabase, PostgresDatabaseProps } from "../../src/constructs/data/postgres-database";
import { constructStack, synthAlone, validationErrors } from "../support/construct-stack";

const MINIMAL: PostgresDatabaseProps = {
  identifier: "db",
  accountId: "111111111111",
  majorVersion: 16,
  instanceClass: "db.t3.micro",
  maxConnections: 112,
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: 50,
  subnetIds: ["subnet-1", "subnet-2"],
  securityGroupIds: ["sg-1"],
  kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/1",
  databaseName: "app",
  masterUsername: "admin_user",
  backupWindow: "02:00-02:30",
  maintenanceWindow: "sun:03:00-sun:03:30",
  logRetentionDays: 30,
};

function database(props: Partial<PostgresDatabaseProps> = {}) {
  const stack = constructStack();
  new PostgresDatabase(stack, "db", { ...MINIMAL, ...props });
  return stack;
}

describe("PostgresDatabase alone, with only the required props", () => {
  const json = synthAlone(database());
  const instance = json.resource("aws_db_instance");

  test("defaults are the safe ones: Multi-AZ, 7 days of backups, deletion protection, prevent_destroy, a final snapshot", () => {
    expect(instance).toMatchObject({
      multi_az: true,
      backup_retention_period: 7,
      deletion_protection: true,
      lifecycle: { prevent_destroy: true },
      skip_final_snapshot: false,
      final_snapshot_identifier: "db-final",
      storage_encrypted: true,
      publicly_accessible: false,
      manage_master_user_password: true,
      iam_database_authentication_enabled: false,
    });
  });

  test("enhanced monitoring every 60 s through its own role; Performance Insights off; slow statements from 500 ms", () => {
    expect(instance.monitoring_interval).toBe(60);
    expect(instance.monitoring_role_arn).toMatch(/aws_iam_role\.db_monitoring-role.*\.arn/);
    expect(instance.performance_insights_enabled).toBe(false);
    expect(instance.performance_insights_kms_key_id).toBeUndefined();
    expect(json.resource("aws_db_parameter_group").parameter).toContainEqual({
      name: "log_min_duration_statement",
      value: "500",
    });
    // Static in RDS for PostgreSQL: a changed value waits for the next reboot.
    expect(json.resource("aws_db_parameter_group").parameter).toContainEqual({
      name: "max_connections",
      value: "112",
      apply_method: "pending-reboot",
    });
  });

  test("no master password rotation schedule and no cross-region replication unless asked", () => {
    expect(json.resourceList("aws_secretsmanager_secret_rotation")).toEqual([]);
    expect(json.resourceList("aws_db_instance_automated_backups_replication")).toEqual([]);
  });
});

describe("branches no shipped config takes", () => {
  test("Performance Insights on (a class that has it): encrypted with the database key, kept 7 days", () => {
    const instance = synthAlone(database({ instanceClass: "db.m7g.large", performanceInsights: true })).resource(
      "aws_db_instance",
    );
    expect(instance).toMatchObject({
      performance_insights_enabled: true,
      performance_insights_kms_key_id: MINIMAL.kmsKeyArn,
      performance_insights_retention_period: 7,
    });
  });

  test("enhanced monitoring at 0: no monitoring role, no role ARN", () => {
    const json = synthAlone(database({ enhancedMonitoringIntervalSeconds: 0 }));
    expect(json.resource("aws_db_instance").monitoring_interval).toBe(0);
    expect(json.resource("aws_db_instance").monitoring_role_arn).toBeUndefined();
    expect(json.resourceList("aws_iam_role")).toEqual([]);
  });
});

describe("invalid prop combinations fail synth, with the rules the config schema uses", () => {
  test.each([
    [
      { maxAllocatedStorageGb: 20 },
      "maxAllocatedStorageGb: must exceed allocatedStorageGb (20) for storage autoscaling",
    ],
    [{ backupWindow: "03:00-04:00" }, "backupWindow: 03:00-04:00 overlaps the maintenance window sun:03:00-sun:03:30"],
    [
      { enhancedMonitoringIntervalSeconds: 2 },
      "enhancedMonitoringIntervalSeconds: must be one of 0, 1, 5, 10, 15, 30, 60",
    ],
    [{ performanceInsights: true }, "performanceInsights: db.t3.micro does not support Performance Insights"],
  ] as [Partial<PostgresDatabaseProps>, string][])("%j", (props, message) => {
    expect(validationErrors(database(props))).toEqual([message]);
  });

  test("the minimal props pass", () => {
    expect(validationErrors(database())).toEqual([]);
  });
});
