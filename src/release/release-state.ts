/**
 * The release state: what each colour runs and how traffic is split, stored as JSON in the
 * release item of the environment's DynamoDB table (release-store.ts). The release tool is its
 * only writer, the app stack reads it through a data source, and the registry stack seeds it once. This module is the contract all
 * three share, and the one home of the colour rules (which colour is live, which is idle).
 */
import { z } from "zod";
import { pathPrefix } from "../config/naming";
import { AMI_ID_PATTERN, DIGEST_PATTERN } from "../config/schema/image-references";

export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];

/** Public SSM parameter AWS keeps pointing at the newest Amazon Linux 2023 AMI; read when a release starts. */
export const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** Where an environment's release state lived before the release store; the registry stack seeds the store from it. */
export function releaseStateParameterName(environment: string): string {
  return `${pathPrefix(environment)}/release/state`;
}

/** The previous tool's lease parameter; the registry stack holds it for ever so that tool refuses (release-state-table.ts). */
export function releaseLeaseParameterName(environment: string): string {
  return `${pathPrefix(environment)}/release/lease`;
}

const colourState = z.object({
  /** Image digest the colour runs; "" before the first release (the colour then runs no instance). */
  digest: z.union([z.literal(""), z.string().regex(new RegExp(DIGEST_PATTERN), "must be sha256:<64 hex digits>")]),
  /** AMI the colour's launch template boots, pinned when the colour was last released. */
  amiId: z.string().regex(new RegExp(AMI_ID_PATTERN), "must be an AMI id such as ami-0123456789abcdef0"),
});

const trafficPercent = z.number().int().min(0).max(100);

/** A release that has started and not finished: what a resume or a rollback needs, kept in AWS, not on a runner's disk. */
const inFlight = z.object({
  /** Colour taking the new image. */
  to: z.enum(COLOURS),
  digest: z.string().regex(new RegExp(DIGEST_PATTERN)),
  /** Share of traffic on `to` after each step, ending at 100. */
  steps: z.array(trafficPercent).min(1),
  /** Instances `to` runs while tested; the old colour keeps them until the release finishes. */
  fullCapacity: z.number().int().min(1),
  startedAt: z.string(),
  /** Who started it (CI run URL or user@host). */
  startedBy: z.string(),
  /** Alarms already in ALARM when it started: not the release's doing, so only the new colour's own alarms stop it then. */
  alarmsFiringAtStart: z.array(z.string()),
  /** Traffic, idle capacity and colours from before the release, for a rollback. */
  before: z.object({
    blue: colourState,
    green: colourState,
    greenTrafficPercent: trafficPercent,
    idleCapacity: z.number().int().min(0),
  }),
});

export const releaseStateSchema = z.object({
  version: z.literal(1),
  blue: colourState,
  green: colourState,
  /** Share of HTTPS traffic on green; blue gets the rest. */
  greenTrafficPercent: trafficPercent,
  /** Instances of the colour without traffic. */
  idleCapacity: z.number().int().min(0),
  inFlight: inFlight.nullable(),
});

export type ReleaseState = z.infer<typeof releaseStateSchema>;
export type InFlightRelease = NonNullable<ReleaseState["inFlight"]>;

/** Parses the parameter's value; a bad value names the field and the rule. */
export function parseReleaseState(text: string): ReleaseState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("release state is not JSON");
  }
  const result = releaseStateSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`release state: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return result.data;
}

export function serializeReleaseState(state: ReleaseState): string {
  return JSON.stringify(releaseStateSchema.parse(state));
}

/** The state the registry stack seeds: no image on either colour, so both fleets run 0 instances. */
export function seedReleaseState(amiId: string): ReleaseState {
  return {
    version: 1,
    blue: { digest: "", amiId },
    green: { digest: "", amiId },
    greenTrafficPercent: 0,
    idleCapacity: 0,
    inFlight: null,
  };
}

/** An example release state (blue live on one image): the offline proof harness plans the app stack with it. */
export const EXAMPLE_AMI_ID = "ami-0123456789abcdef0";
export const EXAMPLE_RELEASE_STATE: ReleaseState = {
  ...seedReleaseState(EXAMPLE_AMI_ID),
  blue: { digest: `sha256:${"ab".repeat(32)}`, amiId: EXAMPLE_AMI_ID },
};

export function otherColour(colour: Colour): Colour {
  return colour === "blue" ? "green" : "blue";
}

/** Share of traffic a colour takes. */
export function trafficOf(state: Pick<ReleaseState, "greenTrafficPercent">, colour: Colour): number {
  return colour === "green" ? state.greenTrafficPercent : 100 - state.greenTrafficPercent;
}

/** greenTrafficPercent that puts `percent` of traffic on `colour`. */
export function greenPercentFor(colour: Colour, percent: number): number {
  return colour === "green" ? percent : 100 - percent;
}

/**
 * The idle colour: the one with less traffic, green on a 50/50 tie. The app stack renders the
 * same rule as a Terraform expression (IDLE_IS_GREEN_WHEN); a test holds the two together.
 */
export function idleColourOf(state: Pick<ReleaseState, "greenTrafficPercent">): Colour {
  return state.greenTrafficPercent <= IDLE_IS_GREEN_AT_OR_BELOW ? "green" : "blue";
}

export function liveColourOf(state: Pick<ReleaseState, "greenTrafficPercent">): Colour {
  return otherColour(idleColourOf(state));
}

/** Green is the idle colour while its share is at most this. */
export const IDLE_IS_GREEN_AT_OR_BELOW = 50;

/** True when both colours take traffic: a release was interrupted mid-shift. */
export function isSplit(state: Pick<ReleaseState, "greenTrafficPercent">): boolean {
  return state.greenTrafficPercent > 0 && state.greenTrafficPercent < 100;
}

/** `repository@sha256:...`: how instances pull an image, never by tag. */
export function imageReference(repositoryUrl: string, digest: string): string {
  return `${repositoryUrl}@${digest}`;
}
