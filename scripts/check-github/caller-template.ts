/**
 * The application repositories' side of the image push role's trust: their OIDC subject template
 * must carry job_workflow_ref, or no token of theirs names the image workflow and the role
 * refuses every push. GitHub REST API, version 2022-11-28:
 * - GET /repos/{owner}/{repo}/actions/oidc/customization/sub → { use_default, include_claim_keys }
 *   https://docs.github.com/en/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository
 * Which workflow of the repository calls the image workflow, and at which ref, is not a setting
 * the API reports; the role's trust pins that (docs/how-to/image-push-trust.md).
 */
import { CALLER_SUBJECT_CLAIM_KEYS } from "../../src/constructs/ci/reusable-workflow-subject";
import type { CheckResult, GithubApi } from "./check";

/** One check per application repository that may push images. */
export async function checkCallerSubjectTemplates(
  api: GithubApi,
  repositories: readonly string[],
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const repository of [...new Set(repositories)]) {
    const check = `${repository}: OIDC subject template is ${CALLER_SUBJECT_CLAIM_KEYS.join(", ")} (image push role)`;
    const { status, body } = await api.get(`/repos/${repository}/actions/oidc/customization/sub`);
    const keys: string[] = body?.include_claim_keys ?? [];
    const ok = status === 200 && body?.use_default === false && keys.join(",") === CALLER_SUBJECT_CLAIM_KEYS.join(",");
    const found =
      status !== 200
        ? `HTTP ${status}`
        : body?.use_default
          ? "the default template (repo:<repo>:ref:<ref>)"
          : `[${keys.join(", ")}]`;
    const fix = `gh api -X PUT repos/${repository}/actions/oidc/customization/sub -F use_default=false ${CALLER_SUBJECT_CLAIM_KEYS.map((key) => `-f 'include_claim_keys[]=${key}'`).join(" ")}`;
    results.push({
      ok,
      check,
      detail: ok
        ? "set"
        : `found ${found}; the image push role trusts only tokens naming the image workflow. Fix: ${fix}`,
    });
  }
  return results;
}
