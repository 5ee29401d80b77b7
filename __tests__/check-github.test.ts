import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { runTool } from "../scripts/cli/command-line";
import { checkGithubTool } from "../scripts/check-github/cli";
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
}

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
    const url = request.url ?? "";
    if (url === `${prefix}/actions/oidc/customization/sub`) return send(200, this.subjectTemplate);
    const caller = /^\/repos\/([^/]+\/[^/]+)\/actions\/oidc\/customization\/sub$/.exec(url)?.[1];
    if (caller && CALLERS.includes(caller)) return send(200, this.callerTemplates[caller] ?? { use_default: true });
    const match = new RegExp(`^${prefix}/environments/([^/]+)(/deployment-branch-policies)?$`).exec(url);
    const environment = match && this.environments[decodeURIComponent(match[1])];
    if (!environment) return send(404, { message: "Not Found" });
    if (match[2]) return send(200, { total_count: environment.branches.length, branch_policies: environment.branches.map((name) => ({ name, type: "branch" })) });
    const protectionRules = environment.reviewers.length > 0 ? [{ type: "required_reviewers", prevent_self_review: true, reviewers: environment.reviewers }] : [];
    return send(200, { name: match[1], protection_rules: protectionRules, deployment_branch_policy: environment.branchPolicy });
  }

  /** The settings docs/how-to/connect-github.md asks for. */
  configureAsDocumented(): void {
    this.subjectTemplate = TEMPLATE;
    for (const caller of CALLERS) this.callerTemplates[caller] = TEMPLATE;
    for (const name of ["staging", "production", "staging-platform", "production-platform"]) {
      this.environments[name] = {
        reviewers: [{ type: "Team", reviewer: { login: "platform" } }],
        branchPolicy: { protected_branches: false, custom_branch_policies: true },
        branches: ["main"],
      };
    }
    for (const name of ["staging", "production"]) this.environments[`${name}-plan`] = { reviewers: [], branchPolicy: null, branches: [] };
  }
}

async function check(apiUrl: string, token: string | undefined, ...args: string[]) {
  const out: string[] = [];
  const saved = { GH_TOKEN: process.env.GH_TOKEN, GITHUB_TOKEN: process.env.GITHUB_TOKEN };
  delete process.env.GITHUB_TOKEN;
  if (token === undefined) delete process.env.GH_TOKEN;
  else process.env.GH_TOKEN = token;
  const log = jest.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
  const error = jest.spyOn(console, "error").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
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
  });

  test("a fresh repository fails every check, each with the command that fixes it", async () => {
    const { code, output } = await check(url, TOKEN);
    expect(code).toBe(1);
    expect(output).toContain(`FAIL  ${REPOSITORY}: OIDC subject template is repo, context, job_workflow_ref: found the default template`);
    expect(output).toContain(`gh api -X PUT repos/${REPOSITORY}/actions/oidc/customization/sub -F use_default=false -f 'include_claim_keys[]=repo'`);
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production exists: missing.`);
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production-plan exists`);
    for (const caller of CALLERS) expect(output).toContain(`FAIL  ${caller}: OIDC subject template is repo, context, job_workflow_ref (image push role): found the default template`);
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production-platform exists: missing.`);
    expect(output).toContain(`check-github: 0 ok, ${7 + CALLERS.length} to fix`);
  }, 10_000);

  test("after the documented setup every check passes", async () => {
    github.configureAsDocumented();
    const { code, output } = await check(url, TOKEN);
    expect(output).toContain(`check-github: ${11 + CALLERS.length} ok, 0 to fix`);
    // The platform identity's environment has its own reviewers and deploys from main only, like the deploy environment.
    expect(output).toContain(`ok    ${REPOSITORY}: environment production-platform requires a reviewer: 1 reviewer(s), self-review prevented`);
    expect(output).toContain(`ok    ${REPOSITORY}: environment production-platform deploys from main only: branch rule main`);
    expect(output).toContain(`ok    ${REPOSITORY}: environment production requires a reviewer: 1 reviewer(s), self-review prevented`);
    expect(output).toContain(`ok    ${REPOSITORY}: environment production deploys from main only: branch rule main`);
    expect(code).toBe(0);
  }, 10_000);

  test.each([
    ["no reviewers", (environment: FakeEnvironment) => (environment.reviewers = []), "requires a reviewer: no required reviewers"],
    ["any protected branch", (environment: FakeEnvironment) => (environment.branchPolicy = { protected_branches: true, custom_branch_policies: false }), "deploys from main only: found all protected branches"],
    ["a second branch rule", (environment: FakeEnvironment) => environment.branches.push("release/*"), "deploys from main only: found [branch:main, branch:release/*]"],
    ["no branch rule", (environment: FakeEnvironment) => (environment.branchPolicy = null), "deploys from main only: found any branch"],
  ])("a production environment with %s fails", async (_, edit, expected) => {
    github.configureAsDocumented();
    edit(github.environments.production);
    const { code, output } = await check(url, TOKEN, "--env", "production");
    expect(code).toBe(1);
    expect(output).toContain(`FAIL  ${REPOSITORY}: environment production ${expected}`);
  }, 10_000);

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
      expect(output).toContain(`FAIL  ${CALLERS[0]}: OIDC subject template is repo, context, job_workflow_ref (image push role): found [repo, context]`);
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
    expect(bad.output).toBe(`check-github: GitHub API /repos/${REPOSITORY}/actions/oidc/customization/sub: 401, the token is invalid or expired`);
    const good = await check(url, TOKEN);
    for (const output of [none.output, bad.output, good.output]) expect(output).not.toContain("ghp_");
  }, 10_000);

  test("an unknown environment is a usage error", async () => {
    const { code, output } = await check(url, TOKEN, "--env", "prod");
    expect(code).toBe(2);
    expect(output).toContain("unknown environment prod");
  }, 10_000);
});
