/**
 * Which images a release state keeps alive, and how: the release tool puts a protecting tag on
 * every digest the state references, in every repository the environment pulls from, and each of
 * those repositories' lifecycle policy keeps images carrying such a tag ahead of every other rule.
 * This module is the one home shared by the construct (the lifecycle rule) and the tool (the tags).
 */
import type { EnvironmentConfig } from "../config/schema/schema";
import type { ReleaseState } from "./release-state";

/** Tags the release tool writes start with this; an image pipeline's build tags must not. */
export const RELEASE_TAG_PREFIX = "release-";

/**
 * The prefix of one environment's protecting tags. Per environment, because replication copies
 * whatever a source registry holds into production's registries: a staging release tag arriving
 * there must not keep an image alive in production, which no production release would ever untag.
 */
export function releaseTagPrefix(environment: string): string {
  return `${RELEASE_TAG_PREFIX}${environment}-`;
}

/** The protecting tag of one digest: one tag per digest, so an immutable repository never has to move one. */
export function releaseTag(environment: string, digest: string): string {
  return `${releaseTagPrefix(environment)}${digest.replace(/^sha256:/, "")}`;
}

/**
 * Protected images a lifecycle rule keeps per repository. A state references at most five digests
 * (both colours, and both colours of the state an in-flight release would roll back to) and the
 * tool untags superseded ones after every release, so only failed tidy-ups ever add to this; the
 * margin lets those pile up for years before the rule could expire the oldest.
 */
export const PROTECTED_IMAGES_KEPT = 100;

/**
 * Regions whose repository (registry.repositoryName, in aws.accountId) must keep the environment's
 * released images: the primary's, and the pilot light's, which a restore pulls from.
 */
export function imageRegions(config: Pick<EnvironmentConfig, "aws" | "dr">): string[] {
  return [config.aws.region, ...(config.dr.pilotLight ? [config.aws.drRegion] : [])];
}

/** Every digest the state references: live and idle colour, and the colours an in-flight release rolls back to. */
export function referencedDigests(state: ReleaseState): string[] {
  const digests = [state.blue.digest, state.green.digest];
  if (state.inFlight)
    digests.push(state.inFlight.digest, state.inFlight.before.blue.digest, state.inFlight.before.green.digest);
  return [...new Set(digests.filter((digest) => digest !== ""))].sort();
}

/**
 * The ECR API actions the release tool calls, on the repositories it releases from (the scan gate,
 * the existence check, and the protecting tags). The deploy identity that runs releases needs
 * exactly these there; a derived IAM policy reads them from here.
 */
export const RELEASE_TOOL_ECR_ACTIONS = [
  "ecr:DescribeImages",
  "ecr:DescribeImageScanFindings",
  "ecr:StartImageScan",
  // A protecting tag is a PutImage of the manifest the repository already holds.
  "ecr:BatchGetImage",
  "ecr:PutImage",
  // BatchDeleteImage by tag removes only that tag while the image has others.
  "ecr:BatchDeleteImage",
] as const;

export type ReleaseToolEcrAction = (typeof RELEASE_TOOL_ECR_ACTIONS)[number];
