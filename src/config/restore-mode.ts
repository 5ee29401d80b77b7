import { DIGEST_PATTERN } from "./schema/image-references";
import { ConfigError } from "./rules/validate";

/** The switches of restore mode, read from the environment of `npm run synth|diff|deploy`. */
export const RESTORE_SWITCHES = {
  /** 1: add auth-<env>-dr-data and auth-<env>-dr-app to every environment with a pilot light. */
  restore: "AUTH_DR_RESTORE",
  /** UTC time to restore PostgreSQL to (YYYY-MM-DDThh:mm:ssZ); unset: the latest restorable time. */
  pointInTime: "AUTH_DR_RESTORE_TIME",
  /** 1: a drill; the restored stores carry no deletion protection, so the drill can tear them down. */
  drill: "AUTH_DR_DRILL",
  /** 1: fail back is done; lift a real restore's protections so npm run dr:decommission can destroy it. */
  decommission: "AUTH_DR_DECOMMISSION",
  /** 1: auth-<env>-dr-app takes over the service's alias records (the DNS cutover); never in a drill. */
  cutover: "AUTH_DR_CUTOVER",
  /** sha256:<64 hex>: the digest the DR app runs; unset: the primary's live digest from the replica of its app state. */
  imageDigest: "AUTH_DR_IMAGE_DIGEST",
} as const;

/** What restore mode asks for; undefined when it is off. */
export interface RestoreMode {
  readonly pointInTime?: string;
  readonly drill: boolean;
  /** A real restore being destroyed after fail back: no deletion protection, state where the restore's is. @default false */
  readonly decommission?: boolean;
  /** The DR app owns the service's alias records. @default false */
  readonly cutover?: boolean;
  /** The digest the DR app runs. @default the primary's live digest (replica of its app state) */
  readonly imageDigest?: string;
}

const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Restore mode from the environment. It is an operator's decision taken during an incident, so it
 * is a switch on the command line rather than a config commit: a normal deploy never creates the
 * restore stacks. A malformed time fails the synth with one line.
 */
export function restoreModeFrom(env: NodeJS.ProcessEnv = process.env): RestoreMode | undefined {
  if (env[RESTORE_SWITCHES.restore] !== "1") {
    const stray = [
      RESTORE_SWITCHES.pointInTime,
      RESTORE_SWITCHES.drill,
      RESTORE_SWITCHES.decommission,
      RESTORE_SWITCHES.cutover,
      RESTORE_SWITCHES.imageDigest,
    ].filter((name) => env[name]);
    if (stray.length > 0)
      throw new ConfigError([`${stray.join(", ")}: only take effect with ${RESTORE_SWITCHES.restore}=1`]);
    return undefined;
  }
  const pointInTime = env[RESTORE_SWITCHES.pointInTime] || undefined;
  if (pointInTime !== undefined && (!UTC_TIME.test(pointInTime) || Number.isNaN(Date.parse(pointInTime)))) {
    throw new ConfigError([
      `${RESTORE_SWITCHES.pointInTime}: must be a UTC time such as 2026-11-30T03:15:00Z, got ${pointInTime}`,
    ]);
  }
  const imageDigest = env[RESTORE_SWITCHES.imageDigest] || undefined;
  if (imageDigest !== undefined && !new RegExp(DIGEST_PATTERN).test(imageDigest)) {
    throw new ConfigError([
      `${RESTORE_SWITCHES.imageDigest}: must be an image digest sha256:<64 hex digits>, got ${imageDigest}`,
    ]);
  }
  const drill = env[RESTORE_SWITCHES.drill] === "1";
  const cutover = env[RESTORE_SWITCHES.cutover] === "1";
  // A drill must never move users onto a copy that is torn down afterwards.
  if (drill && cutover)
    throw new ConfigError([`${RESTORE_SWITCHES.cutover}: a drill (${RESTORE_SWITCHES.drill}=1) never cuts over`]);
  const decommission = env[RESTORE_SWITCHES.decommission] === "1";
  // Decommissioning destroys the restore that serves after a cutover: only once DNS is back.
  if (decommission && (drill || cutover)) {
    throw new ConfigError([
      `${RESTORE_SWITCHES.decommission}: a real restore is decommissioned on its own, never with ${drill ? RESTORE_SWITCHES.drill : RESTORE_SWITCHES.cutover}=1`,
    ]);
  }
  return {
    pointInTime,
    drill,
    ...(decommission ? { decommission } : {}),
    ...(cutover ? { cutover } : {}),
    ...(imageDigest ? { imageDigest } : {}),
  };
}
