/**
 * Checks the GitHub side of the deploy roles' trust: the repository's OIDC subject template, and
 * each environment's protection (required reviewers, deployment branches). The AWS trust policies
 * assume these settings; a repository without them either cannot deploy or deploys unreviewed.
 * GitHub REST API, version 2022-11-28:
 * - GET /repos/{owner}/{repo}/actions/oidc/customization/sub → { use_default, include_claim_keys }
 *   https://docs.github.com/en/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository
 * - GET /repos/{owner}/{repo}/environments/{name} → { protection_rules: [{ type: "required_reviewers", reviewers, prevent_self_review }, ...],
 *   deployment_branch_policy: { protected_branches, custom_branch_policies } | null }
 *   https://docs.github.com/en/rest/deployments/environments#get-an-environment
 * - GET /repos/{owner}/{repo}/environments/{name}/deployment-branch-policies → { branch_policies: [{ name, type }] }
 *   https://docs.github.com/en/rest/deployments/branch-policies#list-deployment-branch-policies
 * - GET /repos/{owner}/{repo}/environments/{name}/variables, /repos/{owner}/{repo}/actions/variables and
 *   /repos/{owner}/{repo}/actions/organization-variables → { total_count, variables: [{ name, value, ... }] },
 *   at most 30 a page (per_page, page). A job reads vars.NAME from its environment first, then the
 *   repository, then the organization, so a variable set on any of them counts.
 *   https://docs.github.com/en/rest/actions/variables
 */
import { SUBJECT_CLAIM_KEYS } from "../../src/constructs/ci/github-oidc-subject";

export interface GithubApi {
  /** GET a REST path; 404 is a normal answer here, other failures throw. */
  get(path: string): Promise<{ readonly status: number; readonly body: any }>;
}

export interface EnvironmentExpectation {
  /** owner/name */
  readonly repository: string;
  readonly deployEnvironment: string;
  readonly planEnvironment: string;
  /** The platform identity's environment: checked like the deploy environment (reviewers, branch). @default not checked */
  readonly platformEnvironment?: string;
  /** The only branch the deploy environment may deploy from. */
  readonly deployBranch: string;
  /** GitHub environment name -> the variables the workflows read in it (workflow-variables.ts); each environment must exist. @default none checked */
  readonly variables?: Readonly<Record<string, readonly string[]>>;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly check: string;
  /** What was found; on a failure, how to fix it. */
  readonly detail: string;
}

async function checkSubjectTemplate(api: GithubApi, repository: string): Promise<CheckResult> {
  const check = `${repository}: OIDC subject template is ${SUBJECT_CLAIM_KEYS.join(", ")}`;
  const { status, body } = await api.get(`/repos/${repository}/actions/oidc/customization/sub`);
  const keys: string[] = body?.include_claim_keys ?? [];
  const ok = status === 200 && body?.use_default === false && keys.join(",") === SUBJECT_CLAIM_KEYS.join(",");
  const found =
    status !== 200
      ? `HTTP ${status}`
      : body?.use_default
        ? "the default template (repo:<repo>:environment:<env>)"
        : `[${keys.join(", ")}]`;
  const fix = `gh api -X PUT repos/${repository}/actions/oidc/customization/sub -F use_default=false ${SUBJECT_CLAIM_KEYS.map((key) => `-f 'include_claim_keys[]=${key}'`).join(" ")}`;
  return {
    ok,
    check,
    detail: ok ? "set" : `found ${found}; the deploy and plan roles trust only this template. Fix: ${fix}`,
  };
}

async function checkDeployEnvironment(api: GithubApi, expected: EnvironmentExpectation): Promise<CheckResult[]> {
  const { repository, deployEnvironment: name, deployBranch } = expected;
  const path = `/repos/${repository}/environments/${encodeURIComponent(name)}`;
  const environment = await api.get(path);
  if (environment.status === 404) {
    return [
      {
        ok: false,
        check: `${repository}: environment ${name} exists`,
        detail: `missing. Fix: gh api -X PUT repos/${repository}/environments/${name}, then add reviewers and the ${deployBranch} branch rule`,
      },
    ];
  }
  const reviewers = (environment.body?.protection_rules ?? []).find((rule: any) => rule.type === "required_reviewers");
  const reviewerCount = reviewers?.reviewers?.length ?? 0;
  const policy = environment.body?.deployment_branch_policy;
  const results: CheckResult[] = [
    {
      ok: reviewerCount > 0,
      check: `${repository}: environment ${name} requires a reviewer`,
      detail:
        reviewerCount > 0
          ? `${reviewerCount} reviewer(s)${reviewers.prevent_self_review ? ", self-review prevented" : ""}`
          : "no required reviewers: the apply job would run the plan unapproved. Fix: Settings → Environments → " +
            name +
            " → Required reviewers",
    },
  ];
  let branches: string[] = [];
  if (policy?.custom_branch_policies) {
    const list = await api.get(`${path}/deployment-branch-policies`);
    branches = (list.body?.branch_policies ?? []).map((rule: any) => `${rule.type ?? "branch"}:${rule.name}`);
  }
  const onlyDeployBranch =
    policy?.protected_branches === false &&
    policy?.custom_branch_policies === true &&
    branches.join(",") === `branch:${deployBranch}`;
  results.push({
    ok: onlyDeployBranch,
    check: `${repository}: environment ${name} deploys from ${deployBranch} only`,
    detail: onlyDeployBranch
      ? `branch rule ${deployBranch}`
      : `found ${policy ? (policy.protected_branches ? "all protected branches" : `[${branches.join(", ")}]`) : "any branch"}. Fix: gh api -X PUT repos/${repository}/environments/${name} -F 'deployment_branch_policy[protected_branches]=false' -F 'deployment_branch_policy[custom_branch_policies]=true' && gh api -X POST repos/${repository}/environments/${name}/deployment-branch-policies -f name=${deployBranch} -f type=branch`,
  });
  return results;
}

async function checkPlanEnvironment(api: GithubApi, expected: EnvironmentExpectation): Promise<CheckResult> {
  const { repository, planEnvironment: name } = expected;
  const { status } = await api.get(`/repos/${repository}/environments/${encodeURIComponent(name)}`);
  return {
    ok: status === 200,
    check: `${repository}: environment ${name} exists`,
    detail:
      status === 200
        ? "present"
        : `HTTP ${status}. Fix: gh api -X PUT repos/${repository}/environments/${name} (no branch rule: pull request plans run from refs/pull/*)`,
  };
}

/** Every variable name of a listing, page by page; the status of the first page that failed, or 200. */
async function variableNames(api: GithubApi, path: string): Promise<{ status: number; names: string[] }> {
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const { status, body } = await api.get(`${path}?per_page=30&page=${page}`);
    if (status !== 200) return { status, names };
    const batch: string[] = (body?.variables ?? []).map((variable: { name: string }) => variable.name);
    names.push(...batch);
    if (batch.length === 0 || names.length >= (body?.total_count ?? 0)) return { status, names };
  }
}

async function checkVariables(
  api: GithubApi,
  repository: string,
  environment: string,
  required: readonly string[],
  inherited: readonly string[],
): Promise<CheckResult> {
  const check = `${repository}: environment ${environment} has the variables its workflows read (${required.join(", ")})`;
  const { status, names } = await variableNames(
    api,
    `/repos/${repository}/environments/${encodeURIComponent(environment)}/variables`,
  );
  if (status === 404) {
    return {
      ok: false,
      check,
      detail: `the environment is missing. Fix: gh api -X PUT repos/${repository}/environments/${environment}, then set each variable (docs/how-to/add-an-environment.md)`,
    };
  }
  // Names only: a variable's value is not a secret, but the check has no reason to print it.
  const missing = required.filter((name) => !names.includes(name) && !inherited.includes(name));
  return {
    ok: status === 200 && missing.length === 0,
    check,
    detail:
      status !== 200
        ? `HTTP ${status}`
        : missing.length === 0
          ? "set"
          : `missing ${missing.join(", ")} (not on the environment, the repository or the organization). Fix: ${missing.map((name) => `gh variable set ${name} --repo ${repository} --env ${environment} --body <value>`).join(" && ")} (values: docs/how-to/add-an-environment.md)`,
  };
}

/** Every check for these environments; the subject template once per repository. */
export async function checkGithubSettings(
  api: GithubApi,
  expectations: readonly EnvironmentExpectation[],
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const repositories = [...new Set(expectations.map((expected) => expected.repository))];
  for (const repository of repositories) results.push(await checkSubjectTemplate(api, repository));
  const inherited = new Map<string, string[]>();
  for (const expected of expectations) {
    results.push(...(await checkDeployEnvironment(api, expected)));
    if (expected.platformEnvironment)
      results.push(
        ...(await checkDeployEnvironment(api, { ...expected, deployEnvironment: expected.platformEnvironment })),
      );
    results.push(await checkPlanEnvironment(api, expected));
    const variables = Object.entries(expected.variables ?? {}).filter(([, required]) => required.length > 0);
    if (variables.length > 0 && !inherited.has(expected.repository)) {
      const repository = await variableNames(api, `/repos/${expected.repository}/actions/variables`);
      const organization = await variableNames(api, `/repos/${expected.repository}/actions/organization-variables`);
      inherited.set(expected.repository, [...repository.names, ...organization.names]);
    }
    for (const [environment, required] of variables)
      results.push(
        await checkVariables(api, expected.repository, environment, required, inherited.get(expected.repository) ?? []),
      );
  }
  return results;
}

/** The GitHub REST API over fetch, authenticated with a token that never appears in output. */
export function githubRestApi(baseUrl: string, token: string): GithubApi {
  return {
    get: async (path) => {
      const response = await fetch(`${baseUrl.replace(/\/$/, "")}${path}`, {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/vnd.github+json",
          "X-GitHub-Api-Version": "2022-11-28",
        },
      });
      if (response.status === 404) return { status: 404, body: undefined };
      if (response.status === 401) throw new Error(`GitHub API ${path}: 401, the token is invalid or expired`);
      if (response.status === 403)
        throw new Error(
          `GitHub API ${path}: 403, the token may not read repository administration settings (needs Administration: read)`,
        );
      if (!response.ok) throw new Error(`GitHub API ${path}: HTTP ${response.status}`);
      return { status: response.status, body: await response.json() };
    },
  };
}
