import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { runTool } from "../scripts/cli/command-line";
import { join } from "path";
import { checkGithubTool } from "../scripts/check-github/cli";
import { repositoryWorkflows, variablesByRole } from "../scripts/check-github/workflow-variables";
import { environments } from "../src/config";

const REPOSITORY = environments.staging.ci.githubRepository;
/** The application repositories that push images: their subject template must carry job_workflow_ref too. */
const CALLERS = [...new Set(Object.values(environments).flatMap((config) => config.registry.pushFromRepositories))];
const TEMPLATE = { use_default: false, include_claim_keys: ["repo", "context", "job_workflow_ref"] };
const TOKEN = "ghp_test-token-never-printed";

interface FakeEnvironment {
  reviewers: { type: string; reviewer: { login: string } }[];
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  branches: string[];
  /** Names of the environment's variables. */
  variables: string[];
}

/** The GitHub environments of every registered environment, by role (ci.* and scheduledChecks.githubEnvironment). */
const GITHUB_ENVIRONMENTS = Object.values(environments).map(({ ci, scheduledChecks }) => ({
  deploy: ci.deployEnvironment,
  plan: ci.planEnvironment,
  platform: ci.platformEnvironment,
  drift: scheduledChecks.githubEnvironment,
}));
/** What the workflows read in each kind of environment. */
const REQUIRED = variablesByRole(
  repositoryWorkflows(join(__dirname, "..")),
  GITHUB_ENVIRONMENTS.map((names) => names.drift),
);
/** Set once on the repository in the documented setup: every environment inherits it. */
const REPOSITORY_WIDE = "AWS_REGION";

/**
 * A local stand-in for the GitHub REST API endpoints the check reads, answering as GitHub does:
 * 401 without a valid bearer token, 404 for an environment that does not exist, a repository's
 * subject template `{ use_default: true }` until it is customized.
 * https://docs.github.com/en/rest/actions/oidc, https://docs.github.com/en/rest/deployments/environments,
 * https://docs.github.com/en/rest/deployments/branch-policies
 */
class FakeGithub {
  subjectTemplate: { use_default: boolean; include_claim_keys?: string[] } = { use_default: true };
  /** The application repositories' templates, by owner/name; each starts as the default. */
  callerTemplates: Record<string, { use_default: boolean; include_claim_keys?: string[] }> = {};
  environments: Record<string, FakeEnvironment> = {};
  repositoryVariables: string[] = [];
  organizationVariables: string[] = [];
  readonly requests: string[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push(`${request.method} ${request.url}`);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
    const prefix = `/repos/${REPOSITORY}`;
    const [url, query] = (request.url ?? "").split("?");
    // Variable listings are paged, at most 30 a page (https://docs.github.com/en/rest/actions/variables).
    const params = new URLSearchParams(query ?? "");
    const perPage = Math.min(Number(params.get("per_page") ?? 30), 30);
    const page = Number(params.get("page") ?? 1);
    const listing = (names: string[]) => ({
      total_count: names.length,
      variables: names.slice((page - 1) * perPage, page * perPage).map((name) => ({ name, value: `value-of-${name}` })),
    });
    if (url === `${prefix}/actions/variables`) return send(200, listing(this.repositoryVariables));
    if (url === `${prefix}/actions/organization-variables`) return send(200, listing(this.organizationVariables));
    if (url === `${prefix}/actions/oidc/customization/sub`) return send(200, this.subjectTemplate);
    const caller = /^\/repos\/([^/]+\/[^/]+)\/actions\/oidc\/customization\/sub$/.exec(url)?.[1];
    if (caller && CALLERS.includes(caller)) return send(200, this.callerTemplates[caller] ?? { use_default: true });
    const match = new RegExp(`^${prefix}/environments/([^/]+)(/deployment-branch-policies|/variables)?$`).exec(url);
    const environment = match && this.environments[decodeURIComponent(match[1])];
    if (!environment) return send(404, { message: "Not Found" });
    if (match[2] === "/variables") return send(200, listing(environment.variables));
    if (match[2])
      return send(200, {
        total_count: environment.branches.length,
        branch_policies: environment.branches.map((name) => ({ name, type: "branch" })),
      });
    const protectionRules =
      environment.reviewers.length > 0
        ? [{ type: "required_reviewers", prevent_self_review: true, reviewers: environment.reviewers }]
        : [];
    return send(200, {
      name: match[1],
      protection_rules: protectionRules,
      deployment_branch_policy: environment.branchPolicy,
    });
  }

  /** The settings docs/how-to/add-an-environment.md asks for, for every registered environment. */
  configureAsDocumented(): void {
    this.subjectTemplate = TEMPLATE;
    for (const caller of CALLERS) this.callerTemplates[caller] = TEMPLATE;
    const own = (role: keyof typeof REQUIRED) => REQUIRED[role].filter((name) => name !== REPOSITORY_WIDE);
    const protectedEnvironment = (variables: string[]): FakeEnvironment => ({
      reviewers: [{ type: "Team", reviewer: { login: "platform" } }],
      branchPolicy: { protected_branches: false, custom_branch_policies: true },
      branches: ["main"],
      variables,
    });
    for (const names of GITHUB_ENVIRONMENTS) {
      this.environments[names.deploy] = protectedEnvironment(own("deploy"));
      this.environments[names.platform] = protectedEnvironment(own("platform"));
      this.environments[names.plan] = { reviewers: [], branchPolicy: null, branches: [], variables: own("plan") };
      // No reviewers: its scheduled jobs only read (docs/how-to/handle-drift.md).
      this.environments[names.drift] = { reviewers: [], branchPolicy: null, branches: [], variables: own("drift") };
    }
    this.repositoryVariables = [REPOSITORY_WIDE];
  }
}

async function check(apiUrl: string, token: string | undefined, ...args: string[]) {
  const out: string[] = [];
  const saved = { GH_TOKEN: process.env.GH_TOKEN, GITHUB_TOKEN: process.env.GITHUB_TOKEN };
  delete process.env.GITHUB_TOKEN;
  if (token === undefined) delete process.env.GH_TOKEN;
  else process.env.GH_TOKEN = token;
  const log = jest.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
  const error = jest
    .spyOn(console, "error")
    .mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
  try {
    const code = await runTool(checkGithubTool, ["--api-url", apiUrl, ...args]);
    return { code, output: out.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    Object.assign(process.env, saved);
    for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key];
  }
}

describe("npm run check-github: the GitHub settings the deploy roles rely on", () => {
  const github = new FakeGithub();
  let url: string;
  beforeAll(async () => (url = await github.start()), 10_000);
  afterAll(() => github.stop(), 10_000);
  beforeEach(() => {
    github.subjectTemplate = { use_default: true };
    github.callerTemplates = {};
    github.environments = {};
    github.repositoryVariables = [];
    github.organizationVariables = [];
  });

  test("a fresh repository fails every check, each with the command that fixes it", async () => {
    const { code, output } = await check(url, TOKEN);
    expect(code).toBe(1);
    expect(output).toContain(
      `FAIL  ${REPOSITORY}: OIDC subject template is repo, context, job_workflow_ref: found the default template`,
    );
    expect(output).toContain(
      `gh api -X PUT repos/${REPOSITORY}/actions/oidc/customization/sub -F use_default=false -f 'include_claim_keys[]=repo'`,
    );
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production exists: missing.`);
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production-plan exists`);
    for (const caller of CALLERS)
      expect(output).toContain(
        `FAIL  ${caller}: OIDC subject template is repo, context, job_workflow_ref (image push role): found the default template`,
      );
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production-platform exists: missing.`);
    // Per environment: deploy and platform (exists), plan (exists), and the variables of its four GitHub environments.
    expect(output).toContain(`check-github: 0 ok, ${1 + GITHUB_ENVIRONMENTS.length * 7 + CALLERS.length} to fix`);
    expect(output).toContain(
      `FAIL  ${REPOSITORY}: environment ${GITHUB_ENVIRONMENTS[0].drift} has the variables its workflows read (${REQUIRED.drift.join(", ")}): the environment is missing.`,
    );
  }, 10_000);

  test("after the documented setup every check passes", async () => {
    github.configureAsDocumented();
    const { code, output } = await check(url, TOKEN);
    expect(output).toContain(`check-github: ${1 + GITHUB_ENVIRONMENTS.length * 9 + CALLERS.length} ok, 0 to fix`);
    // The platform identity's environment has its own reviewers and deploys from main only, like the deploy environment.
    expect(output).toContain(
      `ok    ${REPOSITORY}: environment production-platform requires a reviewer: 1 reviewer(s), self-review prevented`,
    );
    expect(output).toContain(
      `ok    ${REPOSITORY}: environment production-platform deploys from main only: branch rule main`,
    );
    expect(output).toContain(
      `ok    ${REPOSITORY}: environment production requires a reviewer: 1 reviewer(s), self-review prevented`,
    );
    expect(output).toContain(`ok    ${REPOSITORY}: environment production deploys from main only: branch rule main`);
    expect(code).toBe(0);
  }, 10_000);

  test.each([
    [
      "no reviewers",
      (environment: FakeEnvironment) => (environment.reviewers = []),
      "requires a reviewer: no required reviewers",
    ],
    [
      "any protected branch",
      (environment: FakeEnvironment) =>
        (environment.branchPolicy = { protected_branches: true, custom_branch_policies: false }),
      "deploys from main only: found all protected branches",
    ],
    [
      "a second branch rule",
      (environment: FakeEnvironment) => environment.branches.push("release/*"),
      "deploys from main only: found [branch:main, branch:release/*]",
    ],
    [
      "no branch rule",
      (environment: FakeEnvironment) => (environment.branchPolicy = null),
      "deploys from main only: found any branch",
    ],
  ])(
    "a production environment with %s fails",
    async (_, edit, expected) => {
      github.configureAsDocumented();
      edit(github.environments.production);
      const { code, output } = await check(url, TOKEN, "--env", "production");
      expect(code).toBe(1);
      expect(output).toContain(`FAIL  ${REPOSITORY}: environment production ${expected}`);
    },
    10_000,
  );

  describe("the variables the workflows read, in each GitHub environment of every registered environment", () => {
    test("the workflows' needs: each role ARN in its own environment, the region everywhere, defaults not required", () => {
      expect(REQUIRED.deploy).toEqual(expect.arrayContaining(["DEPLOY_ROLE_ARN", "AWS_REGION"]));
      expect(REQUIRED.plan).toEqual(expect.arrayContaining(["PLAN_ROLE_ARN", "PLAN_PR_ROLE_ARN", "AWS_REGION"]));
      expect(REQUIRED.platform).toEqual(expect.arrayContaining(["PLATFORM_ROLE_ARN", "AWS_REGION"]));
      expect(REQUIRED.drift).toEqual(expect.arrayContaining(["DRIFT_ROLE_ARN", "AWS_REGION"]));
      // vars.DEPLOY_RUNNER || 'ubuntu-24.04': has a default, so it is not required.
      expect(Object.values(REQUIRED).flat()).not.toContain("DEPLOY_RUNNER");
    });

    test("a missing variable fails, naming it and the command that sets it; its value is never printed", async () => {
      github.configureAsDocumented();
      const { deploy } = GITHUB_ENVIRONMENTS[0];
      github.environments[deploy].variables = github.environments[deploy].variables.filter(
        (name) => name !== "DEPLOY_ROLE_ARN",
      );
      const { code, output } = await check(url, TOKEN);
      expect(code).toBe(1);
      expect(output).toContain(
        `FAIL  ${REPOSITORY}: environment ${deploy} has the variables its workflows read (${REQUIRED.deploy.join(", ")}): missing DEPLOY_ROLE_ARN`,
      );
      expect(output).toContain(`gh variable set DEPLOY_ROLE_ARN --repo ${REPOSITORY} --env ${deploy} --body <value>`);
      expect(output).not.toContain("value-of-");
    }, 10_000);

    test("a variable set on the organization counts, as it does for a job; on another environment it does not", async () => {
      github.configureAsDocumented();
      github.repositoryVariables = [];
      github.organizationVariables = [REPOSITORY_WIDE];
      expect((await check(url, TOKEN)).code).toBe(0);
      github.organizationVariables = [];
      const { drift, deploy } = GITHUB_ENVIRONMENTS[0];
      github.environments[deploy].variables.push(REPOSITORY_WIDE);
      const { code, output } = await check(url, TOKEN);
      expect(code).toBe(1);
      expect(output).toContain(
        `FAIL  ${REPOSITORY}: environment ${drift} has the variables its workflows read (${REQUIRED.drift.join(", ")}): missing ${REPOSITORY_WIDE}`,
      );
    }, 10_000);

    test("more variables than one page holds are all read", async () => {
      github.configureAsDocumented();
      const { plan } = GITHUB_ENVIRONMENTS[0];
      // The required ones last, on the second page.
      github.environments[plan].variables = [
        ...Array.from({ length: 35 }, (_, index) => `OTHER_${index}`),
        ...github.environments[plan].variables,
      ];
      expect((await check(url, TOKEN)).code).toBe(0);
    }, 10_000);
  });

  test("a subject template in another order fails: the roles match the claim string exactly", async () => {
    github.configureAsDocumented();
    github.subjectTemplate = { use_default: false, include_claim_keys: ["repo", "job_workflow_ref", "context"] };
    const { code, output } = await check(url, TOKEN, "--env", "staging");
    expect(code).toBe(1);
    expect(output).toContain("found [repo, job_workflow_ref, context]");
  }, 10_000);

  describe("the application repositories that push images", () => {
    test("each pushing repository's template must carry job_workflow_ref, or the push role refuses it", async () => {
      expect(CALLERS.length).toBeGreaterThan(0);
      github.configureAsDocumented();
      github.callerTemplates[CALLERS[0]] = { use_default: false, include_claim_keys: ["repo", "context"] };
      const { code, output } = await check(url, TOKEN, "--env", "staging");
      expect(code).toBe(1);
      expect(output).toContain(
        `FAIL  ${CALLERS[0]}: OIDC subject template is repo, context, job_workflow_ref (image push role): found [repo, context]`,
      );
      expect(output).toContain(`gh api -X PUT repos/${CALLERS[0]}/actions/oidc/customization/sub -F use_default=false`);
    }, 10_000);

    test("an environment whose registry no repository pushes to asks nothing of them", async () => {
      github.configureAsDocumented();
      github.callerTemplates = {};
      const pushless = Object.values(environments).find((config) => config.registry.pushFromRepositories.length === 0)!;
      const { code, output } = await check(url, TOKEN, "--env", pushless.environment);
      expect(output).not.toContain("(image push role)");
      expect(code).toBe(0);
    }, 10_000);
  });

  test("without a token it exits 2; with a bad one it exits 3; the token is never printed", async () => {
    const none = await check(url, undefined);
    expect(none.code).toBe(2);
    expect(none.output).toMatch(/^check-github: set GH_TOKEN/);
    const bad = await check(url, "ghp_wrong");
    expect(bad.code).toBe(3);
    expect(bad.output).toBe(
      `check-github: GitHub API /repos/${REPOSITORY}/actions/oidc/customization/sub: 401, the token is invalid or expired`,
    );
    const good = await check(url, TOKEN);
    for (const output of [none.output, bad.output, good.output]) expect(output).not.toContain("ghp_");
  }, 10_000);

  test("an unknown environment is a usage error", async () => {
    const { code, output } = await check(url, TOKEN, "--env", "prod");
    expect(code).toBe(2);
    expect(output).toContain("unknown environment prod");
  }, 10_000);
});
