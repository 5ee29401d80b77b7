/**
 * npm run check-github -- [--env ENV]... [--api-url URL]
 * Thin shell over check.ts: reads the token from GH_TOKEN or GITHUB_TOKEN (never a flag, so it
 * stays out of shell history and process lists), prints one line per check.
 */
import { join } from "path";
import { environments } from "../../src/config";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { checkCallerSubjectTemplates } from "./caller-template";
import { checkGithubSettings, githubRestApi } from "./check";
import { repositoryWorkflows, variablesByRole } from "./workflow-variables";

const USAGE = `usage: GH_TOKEN=... npm run check-github -- [--env ENV]... [--api-url URL]

Checks the GitHub settings the deploy and plan roles rely on: the repository's OIDC subject
template (repo, context, job_workflow_ref), required reviewers and a main-only deployment branch
rule on each deploy environment, that each plan environment exists, and that each GitHub
environment (deploy, plan, platform, drift) holds the variables the workflows read in it (on the
environment, the repository or the organization). The repository and environment names come
from ci.* and scheduledChecks.githubEnvironment of each environment's config. Each application repository
of registry.pushFromRepositories needs the same template, so its tokens name the image workflow.

  --env ENV       an environment to check (default: all)
  --api-url URL   GitHub API base (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)
  -h, --help      this text

The token needs read access to the repository's administration settings and its variables.
Exit codes: 0 all set, 1 a setting is missing or wrong, 2 bad usage or no token, 3 the API failed.`;

const OPTIONS = { env: { type: "string", multiple: true }, "api-url": { type: "string" } } as const;

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, OPTIONS);
  const token = process.env.GH_TOKEN || process.env.GITHUB_TOKEN;
  if (!token) throw new UsageError("set GH_TOKEN (or GITHUB_TOKEN) to a token that may read the repository's settings");
  const known = environments as Record<string, (typeof environments)["staging"]>;
  const names = values.env ?? Object.keys(known);
  for (const name of names)
    if (!known[name]) throw new UsageError(`unknown environment ${name} (known: ${Object.keys(known).join(", ")})`);
  const configs = names.map((name) => known[name]);
  const required = variablesByRole(
    repositoryWorkflows(join(__dirname, "..", "..")),
    configs.map((config) => config.scheduledChecks.githubEnvironment),
  );
  const expectations = configs.map(({ ci, scheduledChecks }) => ({
    repository: ci.githubRepository,
    deployEnvironment: ci.deployEnvironment,
    planEnvironment: ci.planEnvironment,
    platformEnvironment: ci.platformEnvironment,
    deployBranch: "main",
    variables: {
      [ci.deployEnvironment]: required.deploy,
      [ci.planEnvironment]: required.plan,
      ...(ci.platformEnvironment ? { [ci.platformEnvironment]: required.platform } : {}),
      [scheduledChecks.githubEnvironment]: required.drift,
    },
  }));
  const api = githubRestApi(values["api-url"] ?? "https://api.github.com", token);
  const results = [
    ...(await checkGithubSettings(api, expectations)),
    ...(await checkCallerSubjectTemplates(
      api,
      names.flatMap((name) => known[name].registry.pushFromRepositories),
    )),
  ];
  for (const result of results) console.log(`${result.ok ? "ok  " : "FAIL"}  ${result.check}: ${result.detail}`);
  const failed = results.filter((result) => !result.ok).length;
  console.log(`check-github: ${results.length - failed} ok, ${failed} to fix`);
  return failed > 0 ? EXIT.refused : EXIT.ok;
}

export const checkGithubTool: Tool = { name: "check-github", usage: USAGE, run };

if (require.main === module) main(checkGithubTool);
