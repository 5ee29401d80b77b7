/**
 * The quarterly DR drill as data: restore data and app tiers into the DR region without cutting over, measure, tear
 * down. Pure: everything comes from the environment's config, so `--dry-run` needs no AWS and the
 * runbook test can hold docs/how-to/disaster-recovery.md to the same steps and budgets.
 */
import { databaseIdentifier } from "../../src/stacks/data/data-alarm-definitions";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { DATA_TIER_RESTORE_BUDGET_MINUTES } from "../../src/config/restore-budget";
import { RESTORE_SWITCHES } from "../../src/config/restore-mode";
import {
  cacheAuthSecretName,
  cacheReplicationGroupIdOf,
  databaseIdentifierOf,
  drResourcePrefix,
  drTrailName,
  finalSnapshotName,
  stackName,
} from "../../src/config/naming";
import { drTrailStored } from "../../src/stacks/dr/dr-trail";

export interface DrillStep {
  /** Short name, as the runbook's drill table names it. */
  readonly title: string;
  /** The exact command the operator runs. */
  readonly command: string;
  /** What the step creates in AWS; empty when it creates nothing. */
  readonly creates: readonly string[];
  /** What the step deletes. @default nothing */
  readonly removes?: readonly string[];
  /** Minutes the step may take before the drill is a finding. */
  readonly budgetMinutes: number;
  /** What to run when the step's deploy times out and leaves its stores tainted. @default nothing */
  readonly onTimeout?: string;
}

/** The drill of one environment; it needs the pilot light (dr.pilotLight), which it restores from. */
export function drillSteps(config: EnvironmentConfig): DrillStep[] {
  const { environment, aws, data } = config;
  if (!config.dr.pilotLight)
    throw new Error(`${environment} has no pilot light (dr.pilotLight is false): there is nothing to restore from`);
  const drData = stackName(environment, "dr-data");
  const drApp = stackName(environment, "dr-app");
  const { app, dns } = config;
  const drill = `${RESTORE_SWITCHES.restore}=1 ${RESTORE_SWITCHES.drill}=1`;
  // cdktf deploys a stack alone only with this flag; the pilot light and the restored data tier are already applied.
  const alone = "--ignore-missing-stack-dependencies";
  const { postgres, redis } = data;
  const nodes = redis.shards * (1 + redis.replicasPerShard);
  // The restored site's names, as the restore stacks give them.
  const site = drResourcePrefix(environment);
  const [drDb, drCache] = [databaseIdentifierOf(site), cacheReplicationGroupIdOf(site)];
  return [
    {
      title: "Preflight: the pilot light is as configured",
      command: `npm run diff -- --env ${environment} ${stackName(environment, "dr-network")}`,
      creates: [],
      budgetMinutes: 10,
    },
    {
      title: "Measure the RPO: latest restorable time of the replicated backups",
      command: `aws rds describe-db-instance-automated-backups --region ${aws.drRegion} --db-instance-identifier ${databaseIdentifier(config)} --query 'DBInstanceAutomatedBackups[0].RestoreWindow'`,
      creates: [],
      budgetMinutes: 5,
    },
    {
      title: "Restore the data tier in the DR region",
      command: `${drill} npm run deploy -- --env ${environment} ${drData} ${alone}`,
      creates: [
        `PostgreSQL ${drDb} (${postgres.instanceClass}${postgres.multiAz ? ", Multi-AZ" : ""}) restored from the replicated automated backups to the latest restorable time, no deletion protection (drill)`,
        `Redis ${drCache} (${nodes} ${redis.nodeType} node${nodes === 1 ? "" : "s"}), empty`,
        `secret ${cacheAuthSecretName(drCache)} and its rotation function (the first rotation sets the token)`,
        `rotation functions ${site}-db-service-rotation and ${site}-app-secret-rotation, with no rotation turned on: a drill never promotes the secret replicas (a real failover promotes them before this step, and this step then rotates them)`,
        "encrypted log groups of the database, the cache and the function",
        ...(drTrailStored(config)
          ? [
              `trail ${drTrailName(environment)} (every region, a paid second copy of the management events) into the pilot light's store, and the CIS metric filters and alarms on its events, paging ${drResourcePrefix(environment)}-alerts`,
            ]
          : []),
      ],
      budgetMinutes: DATA_TIER_RESTORE_BUDGET_MINUTES,
      onTimeout: `npm run dr:untaint -- --env ${environment} --drill`,
    },
    {
      title: "Verify: the database is available and its restore time is within the RPO",
      command: `aws rds describe-db-instances --region ${aws.drRegion} --db-instance-identifier ${drDb} --query 'DBInstances[0].[DBInstanceStatus,Endpoint.Address]'`,
      creates: [],
      budgetMinutes: 15,
    },
    {
      title: "Restore the app tier in the DR region (no DNS change)",
      command: `${drill} npm run deploy -- --env ${environment} ${drApp} ${alone}`,
      creates: [
        `load balancer ${site} (HTTPS with the pilot light's certificate, test listener :${app.testListenerPort}) and its WAF web ACL`,
        `blue fleet ${site}-blue: ${app.capacity.desired} ${app.instanceType} instance${app.capacity.desired === 1 ? "" : "s"} on the digest the primary serves (replica of its app state), pulled from the DR repository replica, reading the replicated secrets; green empty`,
        `alarms, dashboard and secret convergence named ${site}; no DNS record`,
      ],
      budgetMinutes: 30,
    },
    {
      title: "Verify: the service answers through the DR load balancer with the DR certificate",
      command: `curl --fail --silent --show-error --connect-to ::$(aws elbv2 describe-load-balancers --region ${aws.drRegion} --names ${site} --query 'LoadBalancers[0].DNSName' --output text): https://${dns.domainName}${app.healthCheckPath}`,
      creates: [],
      budgetMinutes: 10,
    },
    {
      title: "Tear down the restored app and data tiers (the app first: it reads the data tier)",
      command: `npm run dr:teardown -- --env ${environment} ${drApp} ${drData}`,
      creates: [`final snapshots ${finalSnapshotName(drDb)} and ${finalSnapshotName(drCache)} (the drill's evidence)`],
      removes: [
        `everything ${drApp} created, then everything ${drData} created (the DR trail stops; its logs stay in the pilot light's bucket)`,
      ],
      budgetMinutes: 40,
    },
    {
      title:
        "Once the drill log is filed: delete the database's final snapshot (the next drill makes one of the same name)",
      command: `aws rds delete-db-snapshot --region ${aws.drRegion} --db-snapshot-identifier ${finalSnapshotName(drDb)}`,
      creates: [],
      removes: [`snapshot ${finalSnapshotName(drDb)}`],
      budgetMinutes: 5,
    },
    {
      title: "...and the cache's",
      command: `aws elasticache delete-snapshot --region ${aws.drRegion} --snapshot-name ${finalSnapshotName(drCache)}`,
      creates: [],
      removes: [`snapshot ${finalSnapshotName(drCache)}`],
      budgetMinutes: 5,
    },
  ];
}

/** The dry run's text: one block per step, then the total. */
export function renderDrill(environment: string, steps: readonly DrillStep[]): string {
  const lines = [
    `DR drill of ${environment} (dry run: nothing is created; runbook: docs/how-to/disaster-recovery.md#quarterly-drill)`,
    "",
  ];
  steps.forEach((step, index) => {
    lines.push(`${index + 1}. ${step.title} [budget ${step.budgetMinutes} min]`);
    lines.push(`   $ ${step.command}`);
    const list = (label: string, items: readonly string[]) =>
      `   ${label}:${items.map((item) => `\n     - ${item}`).join("")}`;
    lines.push(step.creates.length === 0 ? "   creates: nothing" : list("creates", step.creates));
    if (step.removes?.length) lines.push(list("removes", step.removes));
    if (step.onTimeout)
      lines.push(
        `   if it times out (a store left tainted): once AWS shows it available, $ ${step.onTimeout}, then run the step again`,
      );
  });
  const total = steps.reduce((sum, step) => sum + step.budgetMinutes, 0);
  lines.push(
    "",
    `Total budget: ${total} min. Record each step's real time in the drill log; a step over budget is a finding.`,
  );
  return `${lines.join("\n")}\n`;
}
