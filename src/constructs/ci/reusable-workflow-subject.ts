/**
 * The `sub` claim of a job that runs a reusable workflow of another repository, under the same
 * subject template as this repository's (SUBJECT_CLAIM_KEYS: repo, context, job_workflow_ref).
 * `repo` and `context` describe the calling repository's run; `job_workflow_ref` names the
 * reusable workflow and the ref the caller pinned (`uses: owner/name/path@ref`), e.g.
 * `octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main`. A job without a GitHub
 * environment has the context `ref:<git ref>`.
 * https://docs.github.com/en/actions/reference/security/oidc (job_workflow_ref, customizing the subject claims)
 * No cdktf imports: the GitHub settings check reads this too.
 */
import { SUBJECT_CLAIM_KEYS } from "./github-oidc-subject";

/** This repository's reusable image workflow: the only workflow the image push role trusts. */
export const IMAGE_WORKFLOW = ".github/workflows/image-pipeline.yml";

/** The caller's subject template: the same claim keys as this repository's. */
export const CALLER_SUBJECT_CLAIM_KEYS = SUBJECT_CLAIM_KEYS;

export interface CallerSubjectParts {
  /** owner/name of the repository whose workflow calls the reusable workflow. */
  readonly caller: string;
  /** Git ref the caller's run is on, e.g. refs/heads/main (its context claim without an environment). */
  readonly callerRef: string;
  /** owner/name of the repository that holds the reusable workflow. */
  readonly workflowRepository: string;
  /** Path of the reusable workflow in that repository. */
  readonly workflow: string;
  /** Ref the caller pinned, as GitHub reports it (refs/heads/main, refs/tags/v1); in a StringLike pattern it may end in "*". */
  readonly ref: string;
}

/** The subject such a job presents; with a ref ending in "*" a StringLike pattern. */
export function callerSubject(parts: CallerSubjectParts): string {
  return `repo:${parts.caller}:ref:${parts.callerRef}:job_workflow_ref:${parts.workflowRepository}/${parts.workflow}@${parts.ref}`;
}
