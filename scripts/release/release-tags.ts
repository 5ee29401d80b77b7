/**
 * The protecting tags of a release (see src/release/image-protection.ts), kept in every
 * repository an environment pulls from. ECR replication copies pushes, not tag removals (those
 * only with delete replication, which this registry does not enable:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-delete.html), so the tool
 * tags and untags each repository itself rather than relying on a copy.
 */
import { releaseTag, releaseTagPrefix } from "../../src/release/image-protection";
import type { ReleaseTags } from "./ports";

/** An image and its tags, as DescribeImages lists them. */
export interface TaggedImage {
  readonly digest: string;
  readonly tags: readonly string[];
}

/** One repository, as far as the tags go; aws.ts implements it with the ECR API, the tests with a fake. */
export interface RepositoryTagApi {
  /** Where it is, for log lines (e.g. auth-service in eu-central-1). */
  readonly label: string;
  /** Images with at least one tag starting with `prefix`. */
  taggedWith(prefix: string): Promise<TaggedImage[]>;
  /** Adds `tag` to the image with `digest`; rejects when the repository has no such image. */
  addTag(digest: string, tag: string): Promise<void>;
  /** Removes `tag` (the image itself goes only if that was its last tag). */
  removeTag(tag: string): Promise<void>;
}

export function releaseTagger(environment: string, repositories: readonly RepositoryTagApi[]): ReleaseTags {
  const prefix = releaseTagPrefix(environment);
  return {
    async protect(digests) {
      for (const repository of repositories) {
        const tagged = new Set((await repository.taggedWith(prefix)).flatMap((image) => image.tags));
        for (const digest of digests) {
          const tag = releaseTag(environment, digest);
          if (tagged.has(tag)) continue;
          await repository.addTag(digest, tag).catch((error) => {
            throw new Error(`cannot protect ${digest} in ${repository.label}: ${(error as Error).message}`);
          });
        }
      }
    },
    async prune(keep) {
      const kept = new Set(keep);
      const removed: string[] = [];
      for (const repository of repositories) {
        for (const image of await repository.taggedWith(prefix)) {
          if (kept.has(image.digest)) continue;
          for (const tag of image.tags.filter((candidate) => candidate.startsWith(prefix))) {
            await repository.removeTag(tag);
            removed.push(`${repository.label}: ${tag}`);
          }
        }
      }
      return removed;
    },
  };
}
