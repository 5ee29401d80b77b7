/**
 * One GitHub issue per environment and scheduled check, found by a marker and its author: opened
 * when the check needs attention, updated in place while it does, closed when it no longer does.
 * Never a duplicate: a second open issue with the same marker is closed as a duplicate.
 */

export interface TrackedIssue {
  readonly number: number;
  readonly body: string;
  readonly author: string;
}

export interface IssuePort {
  /** Open issues carrying this label. */
  openIssues(label: string): Promise<TrackedIssue[]>;
  create(title: string, body: string, labels: string[]): Promise<number>;
  update(number: number, body: string): Promise<void>;
  comment(number: number, body: string): Promise<void>;
  close(number: number): Promise<void>;
}

/** Only issues the workflow itself wrote count: anyone can paste a marker into an issue of their own. */
export const BOT_AUTHOR = "github-actions[bot]";
export const SCHEDULED_LABEL = "scheduled-check";

export const issueMarker = (check: string, environment: string) =>
  `<!-- auth-scheduled-check:${check}:${environment} -->`;

export interface IssueUpdate {
  readonly check: string;
  readonly environment: string;
  readonly title: string;
  readonly body: string;
  /** True when the check found something: open or update; false closes an open issue. */
  readonly attention: boolean;
}

export type IssueOutcome =
  { readonly kind: "created" | "updated" | "closed"; readonly number: number } | { readonly kind: "none" };

/** GitHub refuses issue bodies over 65,536 characters; a cut report says where the whole one is. */
export const ISSUE_BODY_LIMIT = 65_000;

export function fitIssueBody(body: string, limit = ISSUE_BODY_LIMIT): string {
  if (body.length <= limit) return body;
  const notice = "\n\n… **Truncated** to fit GitHub's issue limit: the whole report is in the workflow run's log.\n";
  return body.slice(0, limit - notice.length) + notice;
}

export async function syncIssue(port: IssuePort, update: IssueUpdate): Promise<IssueOutcome> {
  const marker = issueMarker(update.check, update.environment);
  const mine = (await port.openIssues(SCHEDULED_LABEL))
    .filter((issue) => issue.author === BOT_AUTHOR && issue.body.startsWith(marker))
    .sort((a, b) => a.number - b.number);
  const [existing, ...duplicates] = mine;
  for (const duplicate of duplicates) {
    await port.comment(duplicate.number, `Duplicate of #${existing.number}.`);
    await port.close(duplicate.number);
  }
  const body = fitIssueBody(`${marker}\n${update.body}`);
  if (update.attention) {
    if (existing) {
      await port.update(existing.number, body);
      return { kind: "updated", number: existing.number };
    }
    return { kind: "created", number: await port.create(update.title, body, [SCHEDULED_LABEL, update.check]) };
  }
  if (!existing) return { kind: "none" };
  await port.comment(
    existing.number,
    `Resolved: the latest ${update.check} check of ${update.environment} found nothing.\n\n${update.body}`,
  );
  await port.close(existing.number);
  return { kind: "closed", number: existing.number };
}

/** The real port: GitHub's REST API with the workflow's token (the job needs `issues: write`). */
export function githubIssues(repository: string, token: string, api = "https://api.github.com"): IssuePort {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}/repos/${repository}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`GitHub ${method} ${path}: HTTP ${response.status}`);
    return response.json() as Promise<any>;
  };
  return {
    openIssues: async (label) => {
      const issues: TrackedIssue[] = [];
      for (let page = 1; ; page++) {
        const batch = (await call(
          "GET",
          `/issues?state=open&labels=${encodeURIComponent(label)}&per_page=100&page=${page}`,
        )) as any[];
        issues.push(
          ...batch
            .filter((issue) => !issue.pull_request)
            .map((issue) => ({ number: issue.number, body: issue.body ?? "", author: issue.user?.login ?? "" })),
        );
        if (batch.length < 100) return issues;
      }
    },
    create: async (title, body, labels) => (await call("POST", "/issues", { title, body, labels })).number,
    update: async (number, body) => void (await call("PATCH", `/issues/${number}`, { body })),
    comment: async (number, body) => void (await call("POST", `/issues/${number}/comments`, { body })),
    close: async (number) =>
      void (await call("PATCH", `/issues/${number}`, { state: "closed", state_reason: "completed" })),
  };
}
