/**
 * Where alarm descriptions point: one section of docs/how-to/runbooks.md per alarm family, linked by
 * its GitHub heading anchor. A unit test checks that every anchor an alarm uses is a heading there.
 */

/** The runbook document, relative to the repository root. */
export const RUNBOOK_PATH = "docs/how-to/runbooks.md";

const ANCHOR = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** URL of docs/how-to/runbooks.md on the default branch of the infrastructure repository (owner/name). */
export function runbookDocumentUrl(githubRepository: string, branch = "main"): string {
  return `https://github.com/${githubRepository}/blob/${branch}/${RUNBOOK_PATH}`;
}

/** Link to one section; refuses what cannot be a GitHub heading anchor, so a typo fails synth. */
export function runbookLink(documentUrl: string, anchor: string): string {
  if (!ANCHOR.test(anchor))
    throw new Error(`runbook anchor "${anchor}" must be a lowercase heading anchor such as service-errors`);
  return `${documentUrl}#${anchor}`;
}

/** The anchor GitHub gives a Markdown heading: lowercase, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of every heading of a Markdown document. */
export function documentAnchors(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((match) => headingAnchor(match[1]));
}
