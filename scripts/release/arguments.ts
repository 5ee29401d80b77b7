/** The release tool's command line, checked before anything touches AWS. Pure. */
import { DIGEST_PATTERN } from "../../src/config/schema/image-references";
import { integerListOption, integerOption, parseCommandLine, UsageError } from "../cli/command-line";
import type { ReleaseRequest } from "./orchestrator";
import { parseCheck, SmokeCheck } from "./smoke";

export const USAGE = `npm run release -- --env ENV --digest sha256:<64 hex> [--steps 10,50,100] [--bake-seconds 300] [--check /path[=STATUS]]...
npm run release -- --env ENV --resume      continue an interrupted release from where it stopped
npm run release -- --env ENV --rollback    roll an interrupted release back, or go back to the previous release
npm run release -- --env ENV --abort       roll an interrupted release back if one is recorded, else do nothing (CI clean-up)
npm run release -- --env ENV --protect-images  tag the images the release state references in every repository, untag the rest
  --take-over-stale-lease    take over a lease whose holder died: expired, or left by an earlier step of this CI job
  --help                     this text

Blue/green release of auth-ENV-app from the release state in DynamoDB (auth-ENV-release): the
idle colour gets the image by digest and a freshly resolved AL2023 AMI at full capacity, is
smoke-tested through the test listener, then takes traffic in the given steps (ending at 100),
each followed by a bake and a check of its own target-group alarms and any new alarm. Any
failure, SIGINT or SIGTERM restores the old colour's capacity, moves all traffic back and
releases the lease.
Exit codes: 0 released or nothing to do, 1 refused or rolled back, 2 usage or bad input,
3 unexpected failure (AWS, Terraform), 130 interrupted and rolled back.`;

const OPTIONS = {
  env: { type: "string" },
  digest: { type: "string" },
  steps: { type: "string" },
  "bake-seconds": { type: "string" },
  check: { type: "string", multiple: true },
  resume: { type: "boolean" },
  rollback: { type: "boolean" },
  abort: { type: "boolean" },
  "protect-images": { type: "boolean" },
  "take-over-stale-lease": { type: "boolean" },
} as const;

export interface ReleaseArguments {
  readonly environment: string;
  readonly request: ReleaseRequest;
  /** Extra smoke checks on top of the health path. */
  readonly checks: SmokeCheck[];
  readonly takeOverStaleLease: boolean;
}

/** Parses and validates; a UsageError names the flag and the rule. */
export function parseReleaseArguments(argv: readonly string[], knownEnvironments: readonly string[]): ReleaseArguments {
  const { values } = parseCommandLine(argv, OPTIONS);
  const environment = values.env;
  if (!environment) throw new UsageError("--env is required");
  if (!knownEnvironments.includes(environment))
    throw new UsageError(`--env: unknown environment "${environment}" (known: ${knownEnvironments.join(", ")})`);
  const modes = (["resume", "rollback", "abort", "protect-images"] as const).filter((mode) => values[mode]);
  if (modes.length > 1) throw new UsageError(`--${modes.join(" and --")} exclude each other`);
  const checks = (values.check ?? []).map((text) => {
    try {
      return parseCheck(text);
    } catch (error) {
      throw new UsageError(`--check: ${(error as Error).message}`);
    }
  });
  const bakeMilliseconds = integerOption("--bake-seconds", values["bake-seconds"], 300, { min: 1 }) * 1000;
  const takeOverStaleLease = values["take-over-stale-lease"] ?? false;
  const [mode] = modes;
  if (mode) {
    if (values.digest || values.steps)
      throw new UsageError(`--${mode} takes no --digest or --steps: the recorded release decides`);
    return {
      environment,
      checks,
      takeOverStaleLease,
      request: mode === "resume" ? { action: "resume", bakeMilliseconds } : { action: mode },
    };
  }
  if (!values.digest)
    throw new UsageError("--digest is required (or --resume / --rollback / --abort / --protect-images)");
  if (!new RegExp(DIGEST_PATTERN).test(values.digest))
    throw new UsageError(`--digest must be sha256:<64 lowercase hex digits>, got "${values.digest}"`);
  return {
    environment,
    checks,
    takeOverStaleLease,
    request: {
      action: "release",
      digest: values.digest,
      steps: parseSteps(values.steps ?? "10,50,100"),
      bakeMilliseconds,
    },
  };
}

/** Traffic steps: whole numbers 1-100, strictly increasing, ending at 100. */
export function parseSteps(raw: string): number[] {
  const steps = integerListOption("--steps", raw, { min: 1, max: 100 });
  steps.forEach((step, index) => {
    if (index > 0 && step <= steps[index - 1]) throw new UsageError(`--steps must be strictly increasing, got ${raw}`);
  });
  if (steps.at(-1) !== 100) throw new UsageError(`--steps must end at 100, got ${raw}`);
  return steps;
}
