/** How a cross-field rule reports a problem: the field's path and what is wrong with it. */
export type IssueReporter = (path: (string | number)[], message: string) => void;
