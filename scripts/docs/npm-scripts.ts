/**
 * One line per npm script: what `help` and docs/reference/cli.md say about it. package.json holds
 * the commands, this table their summaries; a unit test fails when a script has no line here or a
 * line names a script package.json no longer has. Each tool's full usage is its --help.
 */

export interface ScriptGroup {
  readonly title: string;
  /** Script name -> one line: what it does, for whom. */
  readonly scripts: Readonly<Record<string, string>>;
}

export const SCRIPT_GROUPS: readonly ScriptGroup[] = [
  {
    title: "Set up and test",
    scripts: {
      test: "lint, unit tests, then offline terraform validate/plan of every stack (what CI runs)",
      "test:quick": "while editing: type check and the unit tests related to changed files",
      "test:unit": "jest on the synthesized JSON",
      "test:watch": "jest in watch mode",
      "test:terraform": "the Terraform stage of npm test: every stack proven, then __tests__/terraform",
      "test:contention": "the unit tests with every core busy (no test may lean on an idle machine)",
      lint: "tsc --noEmit (strict), ESLint and the import-cycle check, actionlint on the workflows, Prettier's check",
      "lint:code": "ESLint (typescript-eslint) and the import-cycle check, type-only imports included",
      format: "Prettier: format the code base in place",
      "format:check": "Prettier: fail on any file that is not formatted",
      validate: "terraform init, validate and offline plan of every stack, or of the STACKs named",
      "check:private-clone": "the PostgreSQL suites from a clone in a mode-700 directory, as root and as nobody",
    },
  },
  {
    title: "Stacks and deploys (each takes --env ENV and checks the config first)",
    scripts: {
      stacks: "every stack in deploy order, with the stacks each one reads from",
      synth: "write cdktf.out/stacks/<stack>/cdk.tf.json",
      "synth:hcl": "the same as HCL, into cdktf.hcl.out",
      list: "list the synthesized stacks",
      bootstrap: "first apply of auth-ENV-bootstrap with local state, then --migrate it into the bucket it made",
      deploy: "deploy stacks of ENV in dependency order",
      diff: "terraform plan of one stack",
      output: "the outputs of a deployed stack",
      build: "bundle main.ts and src/ into dist/app.js (the synth entry point)",
    },
  },
  {
    title: "Review and release",
    scripts: {
      "plan-report": "Markdown report of plans; exit 1 when the data-loss guard blocks",
      "plan-job": "plan one stack; write only its redacted summary and report",
      release: "leased blue/green release of auth-ENV-app by image digest, rollback on failure",
      "check-github": "check the GitHub settings the deploy roles rely on (needs GH_TOKEN)",
      compliance: "the compliance pack over a synth output; exit 1 on open findings",
      "compliance:synth": "synthesize into a temporary folder and run the compliance pack on it",
      preflight: "read-only check that each account singleton's mode fits the account",
      iam: "each CI identity's powers per service and access level",
      "iam:inventory": "synthesize (restore mode included) and rewrite src/iam/layer-inventory.json",
      alarms: "the alarm catalog of a synth output: name, threshold, runbook, metric",
    },
  },
  {
    title: "Disaster recovery",
    scripts: {
      "dr:drill": "the quarterly DR drill's steps, commands and budgets (--dry-run)",
      "dr:untaint": "untaint a restore that timed out (its database or cache only; --primary for a fail back's)",
      "dr:restore-primary": "fail back: check the snapshot copied back and print the dr.failBack config and the steps",
      "dr:cutover": "the DNS cutover: the DR app takes over the service's alias records",
      "dr:teardown": "a drill's teardown: destroy the restore stacks, the app first",
      "dr:decommission": "after fail back: destroy the real restore, protections lifted",
    },
  },
  {
    title: "Cost and scheduled checks",
    scripts: {
      cost: "monthly cost of ENV per resource, stack and category, from the offline catalogue",
      "cost:catalogue-age": "warn when the price catalogue is older than 6 months",
      drift: "drift check of one deployed stack, or the environment's drift report",
      "scheduled-check": "DR preflight, certificate expiry or the monthly cost check of ENV",
      workflows: "regenerate .github/workflows/scheduled-checks.yml from config (--check: only check)",
    },
  },
  {
    title: "Docs and tooling",
    scripts: {
      docs: "regenerate help, README's diagram and the generated pages of docs/reference (--check: only check)",
      "synth:diff": "synthesize REV and the working tree, list every value that differs",
      bench: "every stage of npm test and npm run synth: timings, budgets, regressions",
      "cdktn:compare": "synthesize a copy with cdktn (the cdktf fork) and diff its Terraform against cdktf's",
    },
  },
];

/** Script name -> summary, over every group. */
export function scriptSummaries(): Record<string, string> {
  return Object.assign({}, ...SCRIPT_GROUPS.map((group) => group.scripts));
}

/** How a user types a script. */
export const invocation = (name: string) => (name === "test" ? "npm test" : `npm run ${name}`);

/** The `help` file: every npm script with its one line, by group. */
export function helpText(): string {
  const width =
    Math.max(...SCRIPT_GROUPS.flatMap((group) => Object.keys(group.scripts).map((name) => invocation(name).length))) +
    2;
  const lines = [
    "Auth service infrastructure (cdktf, TypeScript): every npm script",
    "Generated by npm run docs from scripts/docs/npm-scripts.ts; do not edit.",
    "",
  ];
  lines.push("  npm ci".padEnd(width + 2) + "install exactly what package-lock.json pins");
  for (const group of SCRIPT_GROUPS) {
    lines.push("", group.title);
    for (const [name, summary] of Object.entries(group.scripts))
      lines.push(`  ${invocation(name).padEnd(width)}${summary}`);
  }
  lines.push(
    "",
    "Every tool takes --help; docs/reference/cli.md has each one's full usage.",
    "Exit codes: 0 done, 1 refused or blocked, 2 usage or bad input, 3 unexpected failure, 130 interrupted.",
    'Choosing an environment: --env ENV, AUTH_ENV=ENV, or "environment" under "context" in cdktf.json.',
  );
  return `${lines.join("\n")}\n`;
}
