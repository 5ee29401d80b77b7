/**
 * The `sub` claim GitHub puts in a job's OIDC token once the repository's claim template is
 * customized to `repo`, `context` and `job_workflow_ref`: who (repository), where (the job's
 * environment) and what (the workflow file and the ref it ran from). GitHub documents the format:
 * `repo:<owner/name>:environment:<env>:job_workflow_ref:<owner/name>/<path>@<ref>`
 * (https://docs.github.com/en/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository).
 * No cdktf imports: the GitHub settings check reads this too.
 */

/** The claim keys of the repository's OIDC subject template, in this order. */
export const SUBJECT_CLAIM_KEYS = ["repo", "context", "job_workflow_ref"] as const;

export interface SubjectParts {
  /** owner/name */
  readonly repository: string;
  /** GitHub environment of the job. */
  readonly environment: string;
  /** Workflow file path in the repository, e.g. .github/workflows/deploy.yml. */
  readonly workflow: string;
  /** Ref the workflow file was taken from, e.g. refs/heads/main; "*" in a StringLike pattern. */
  readonly ref: string;
}

/** The subject a job with these parts presents; with ref "*" a StringLike pattern. */
export function githubSubject(parts: SubjectParts): string {
  return `repo:${parts.repository}:environment:${parts.environment}:job_workflow_ref:${parts.repository}/${parts.workflow}@${parts.ref}`;
}
