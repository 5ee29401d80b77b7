/**
 * The scheduled-checks workflow, generated from config: GitHub reads cron only from the workflow
 * file, so each environment's `scheduledChecks` schedules are written into it here and a test
 * fails when the committed file is stale (npm run workflows regenerates it).
 */
import { stringify } from "yaml";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { LAYERS, PILOT_LIGHT_LAYERS, stackNamePrefix } from "../../src/config/naming";

/** Actions pinned to full commit SHAs, the same versions the other workflows use. */
export const ACTIONS = {
  checkout: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
  setupNode: "actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0",
  setupTerraform: "hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2",
  awsCredentials: "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2",
  upload: "actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3",
  download: "actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8",
} as const;

const PIN = / # .*$/;
const uses = (action: string) => action.replace(PIN, "");

/** The layers whose stacks exist outside a restore: the drift check refreshes each of them. */
export function checkedLayers(config: EnvironmentConfig): string[] {
  return [...LAYERS, ...(config.dr.pilotLight ? PILOT_LIGHT_LAYERS : [])];
}

const setup = (withTerraform: boolean) => [
  { uses: uses(ACTIONS.checkout) },
  { uses: uses(ACTIONS.setupNode), with: { "node-version": 22, cache: "npm" } },
  { run: "npm ci" },
  ...(withTerraform
    ? [
        {
          uses: uses(ACTIONS.setupTerraform),
          with: { terraform_version: "${{ env.TERRAFORM_VERSION }}", terraform_wrapper: false },
        },
      ]
    : []),
  {
    uses: uses(ACTIONS.awsCredentials),
    with: { "role-to-assume": "${{ vars.DRIFT_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}" },
  },
];

/** Runs on its environment's schedule, or by hand for that environment; only from main either way. */
const when = (check: string, environment: string, cron: string) =>
  `github.ref == 'refs/heads/main' && (github.event.schedule == '${cron}' || (github.event_name == 'workflow_dispatch' && inputs.check == '${check}' && inputs.environment == '${environment}'))`;
const expression = (text: string) => `\${{ ${text} }}`;

function driftJobs(config: EnvironmentConfig): Record<string, unknown> {
  const { environment } = config;
  const schedule = config.scheduledChecks;
  const condition = when("drift", environment, schedule.drift);
  return {
    [`drift-${environment}`]: {
      if: expression(condition),
      "runs-on": "ubuntu-24.04",
      "timeout-minutes": 30,
      environment: schedule.githubEnvironment,
      permissions: { contents: "read", "id-token": "write" },
      strategy: { "fail-fast": false, matrix: { layer: checkedLayers(config) } },
      env: { STACK: `${stackNamePrefix(environment)}\${{ matrix.layer }}` },
      steps: [
        ...setup(true),
        { run: "npm run synth" },
        // Exit 1 (drifted or failed) still uploads the verdict; the report job decides what it means.
        {
          name: "Refresh-only plan, redacted verdict only",
          run: 'npm run --silent drift -- --stack "$STACK" --out-dir drift-review || test $? -eq 1',
        },
        {
          uses: uses(ACTIONS.upload),
          with: { name: "drift-${{ env.STACK }}", path: "drift-review/*.drift.json", "retention-days": 7 },
        },
      ],
    },
    [`drift-${environment}-report`]: {
      needs: `drift-${environment}`,
      // A failed matrix leg still reports: a stack that could not be checked is never "in sync".
      if: expression(`!cancelled() && ${condition}`),
      "runs-on": "ubuntu-24.04",
      "timeout-minutes": 15,
      environment: schedule.githubEnvironment,
      permissions: { contents: "read", "id-token": "write", issues: "write" },
      steps: [
        ...setup(false),
        {
          uses: uses(ACTIONS.download),
          with: { pattern: `drift-${stackNamePrefix(environment)}*`, path: "drift-review", "merge-multiple": true },
        },
        {
          name: "Drift issue and security alert",
          env: { GITHUB_TOKEN: "${{ github.token }}" },
          run: `npm run --silent drift -- --report --env ${environment} --in drift-review --sync-issue --alert >> "$GITHUB_STEP_SUMMARY"`,
        },
      ],
    },
  };
}

/** A read-only check of the account that reports through its own issue (scripts/scheduled). */
function accountCheckJob(
  check: "dr-preflight" | "certificates",
  config: EnvironmentConfig,
  cron: string,
): Record<string, unknown> {
  const { environment } = config;
  return {
    [`${check}-${environment}`]: {
      if: expression(when(check, environment, cron)),
      "runs-on": "ubuntu-24.04",
      "timeout-minutes": 15,
      environment: config.scheduledChecks.githubEnvironment,
      permissions: { contents: "read", "id-token": "write", issues: "write" },
      steps: [
        ...setup(false),
        {
          // Exit 1 (something needs attention) fails the job after the issue is written, so the run shows red too.
          name: `${check} of ${environment}`,
          env: { GITHUB_TOKEN: "${{ github.token }}" },
          run: `npm run --silent scheduled-check -- --check ${check} --env ${environment} --sync-issue >> "$GITHUB_STEP_SUMMARY"`,
        },
      ],
    },
  };
}

/**
 * The monthly cost check: offline (no AWS identity), it prices main with npm run cost and compares
 * with the last run's estimate, which each run keeps as an artifact for 90 days.
 */
function costJob(config: EnvironmentConfig): Record<string, unknown> {
  const { environment } = config;
  return {
    [`cost-${environment}`]: {
      if: expression(when("cost", environment, config.scheduledChecks.cost.schedule)),
      "runs-on": "ubuntu-24.04",
      "timeout-minutes": 15,
      permissions: { contents: "read", actions: "read", issues: "write" },
      steps: [
        { uses: uses(ACTIONS.checkout) },
        { uses: uses(ACTIONS.setupNode), with: { "node-version": 22, cache: "npm" } },
        { run: "npm ci" },
        {
          name: "This month's estimate",
          run: `mkdir -p cost-review && npm run --silent cost -- --env ${environment} --format json > cost-review/estimate.json`,
        },
        {
          // The newest earlier run of this workflow that kept the environment's estimate.
          name: "The last run's estimate",
          env: { GH_TOKEN: "${{ github.token }}" },
          run: [
            `for run in $(gh run list --workflow scheduled-checks.yml --branch main --json databaseId --jq '.[].databaseId' --limit 50); do`,
            '  if [ "$run" != "$GITHUB_RUN_ID" ] && gh run download "$run" --name "cost-' +
              environment +
              '" --dir previous-cost 2>/dev/null; then break; fi',
            "done",
          ].join("\n"),
        },
        {
          name: `cost of ${environment}`,
          env: { GITHUB_TOKEN: "${{ github.token }}" },
          run: `previous=(); if [ -f previous-cost/estimate.json ]; then previous=(--previous previous-cost/estimate.json); fi\nnpm run --silent scheduled-check -- --check cost --env ${environment} --current cost-review/estimate.json "\${previous[@]}" --sync-issue >> "$GITHUB_STEP_SUMMARY"`,
        },
        {
          if: "${{ always() }}",
          uses: uses(ACTIONS.upload),
          with: { name: `cost-${environment}`, path: "cost-review/estimate.json", "retention-days": 90 },
        },
      ],
    },
  };
}

/** Every cron the workflow runs on, once each. */
export function schedulesOf(configs: readonly EnvironmentConfig[]): string[] {
  return [
    ...new Set(
      configs.flatMap((config) => [
        config.scheduledChecks.drift,
        ...(config.scheduledChecks.drPreflight ? [config.scheduledChecks.drPreflight.schedule] : []),
        config.scheduledChecks.certificates,
      ]),
    ),
  ];
}

/** The workflow's YAML text. */
export function scheduledChecksWorkflow(configs: readonly EnvironmentConfig[]): string {
  const workflow = {
    name: "scheduled-checks",
    on: {
      schedule: schedulesOf(configs).map((cron) => ({ cron })),
      workflow_dispatch: {
        inputs: {
          check: {
            description: "Which check",
            type: "choice",
            options: ["drift", "dr-preflight", "certificates", "cost"],
            required: true,
          },
          environment: {
            description: "Which environment",
            type: "choice",
            options: configs.map((config) => config.environment),
            required: true,
          },
        },
      },
    },
    permissions: { contents: "read" },
    concurrency: {
      group: "scheduled-checks-${{ github.event.schedule || inputs.environment }}",
      "cancel-in-progress": false,
    },
    env: {
      CHECKPOINT_DISABLE: "1",
      DISABLE_VERSION_CHECK: "1",
      CDKTF_DISABLE_TELEMETRY: "1",
      TERRAFORM_VERSION: "1.11.4",
    },
    jobs: Object.assign(
      {},
      ...configs.flatMap((config) => [
        driftJobs(config),
        ...(config.scheduledChecks.drPreflight
          ? [accountCheckJob("dr-preflight", config, config.scheduledChecks.drPreflight.schedule)]
          : []),
        accountCheckJob("certificates", config, config.scheduledChecks.certificates),
        costJob(config),
      ]),
    ),
  };
  const header = [
    "# GENERATED by `npm run workflows` from each environment's scheduledChecks (src/config): do not edit.",
    "# Under the read-only drift role: nightly drift detection (refresh-only plans, no lock, no saved plan,",
    "# security-relevant drift to the security alert topic), the weekly DR preflight and the monthly",
    "# certificate check; each reports through one issue per environment and check.",
    "# GitHub disables schedules in public repositories after 60 days without activity (see docs/how-to/handle-drift.md).",
  ];
  const text = stringify(workflow, { lineWidth: 0 });
  // Pinned actions carry their version as a comment, as in the hand-written workflows.
  const pinned = Object.values(ACTIONS).reduce(
    (yaml, action) => yaml.split(`uses: ${uses(action)}\n`).join(`uses: ${action}\n`),
    text,
  );
  return `${header.join("\n")}\n${pinned}`;
}
