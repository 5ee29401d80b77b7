/**
 * ECR repositories as far as image retention goes: pushes, replication, tags added and removed,
 * and lifecycle policies evaluated with ECR's documented rules. Each repository also serves as the
 * release tool's RepositoryTagApi, so the tool's real tagging code runs against it.
 */
import type { RepositoryTagApi, TaggedImage } from "../../scripts/release/release-tags";

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly selection: {
    readonly tagStatus: "tagged" | "untagged" | "any";
    readonly tagPrefixList?: readonly string[];
    readonly tagPatternList?: readonly string[];
    readonly countType: "imageCountMoreThan" | "sinceImagePushed";
    readonly countUnit?: "days";
    readonly countNumber: number;
  };
  readonly action: { readonly type: "expire" };
}

interface StoredImage {
  readonly tags: Set<string>;
  readonly pushedAt: number;
}

const DAY = 86_400_000;

/** `*` matches any run of characters, as in tagPatternList. */
function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

/**
 * Whether an image meets a rule's tagging requirements
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules):
 * `untagged` selects images without tags, `any` every image; `tagged` needs a tagPrefixList or a
 * tagPatternList, and an image matches when every prefix (or pattern) in the list matches one of its tags.
 */
function meetsTagging(rule: LifecycleRule, tags: ReadonlySet<string>): boolean {
  const { tagStatus, tagPrefixList, tagPatternList } = rule.selection;
  if (tagStatus === "any") return true;
  if (tagStatus === "untagged") return tags.size === 0;
  if (tags.size === 0) return false;
  const all = [...tags];
  if (tagPrefixList) return tagPrefixList.every((prefix) => all.some((tag) => tag.startsWith(prefix)));
  if (tagPatternList) return tagPatternList.map(wildcard).every((pattern) => all.some((tag) => pattern.test(tag)));
  throw new Error(`rule ${rule.rulePriority}: tagStatus tagged needs tagPrefixList or tagPatternList`);
}

export class FakeRepository implements RepositoryTagApi {
  readonly images = new Map<string, StoredImage>();
  /** Destinations of the registry's replication rule that copy this repository's pushes. */
  readonly replicatesTo: FakeRepository[] = [];
  /** Digests the lifecycle policy expired, with when. */
  readonly expired: { digest: string; tags: string[]; at: Date }[] = [];

  constructor(
    readonly label: string,
    readonly rules: readonly LifecycleRule[],
    private readonly now: () => Date,
  ) {}

  has(digest: string): boolean {
    return this.images.has(digest);
  }

  /**
   * A push (a new image, or PutImage of a manifest the repository holds, with a new tag). ECR
   * replication copies what is pushed to the source registry into each destination, digest
   * unchanged (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html); a copy is
   * modelled as not replicated onward. That a tag-only PutImage is copied too is the worse case
   * for this design (another environment's release tag lands here), so it is modelled that way.
   */
  push(digest: string, tag: string): void {
    const image = this.images.get(digest);
    // An immutable repository refuses a tag that names another image.
    for (const [other, stored] of this.images)
      if (other !== digest && stored.tags.has(tag))
        throw Object.assign(new Error(`tag ${tag} is already on ${other}`), { name: "ImageTagAlreadyExistsException" });
    if (image) image.tags.add(tag);
    else this.images.set(digest, { tags: new Set([tag]), pushedAt: this.now().getTime() });
    for (const destination of this.replicatesTo) destination.receive(digest, tag, this.images.get(digest)!.pushedAt);
  }

  private receive(digest: string, tag: string, pushedAt: number): void {
    const image = this.images.get(digest);
    if (image) image.tags.add(tag);
    else this.images.set(digest, { tags: new Set([tag]), pushedAt });
  }

  /**
   * One run of the lifecycle policy, by ECR's evaluation rules (same page as above): rules apply in
   * rulePriority order; an image is expired by one rule at most; a rule counts every image that meets
   * its tagging requirements, even one a higher-priority rule matched, but cannot expire an image
   * that meets the tagging requirements of a higher-priority rule; imageCountMoreThan keeps the
   * newest countNumber by push time and marks the rest, sinceImagePushed marks those pushed more
   * than countNumber days ago.
   */
  runLifecycle(): void {
    const now = this.now().getTime();
    const rules = [...this.rules].sort((a, b) => a.rulePriority - b.rulePriority);
    const expire = new Set<string>();
    rules.forEach((rule, index) => {
      const candidates = [...this.images].filter(([, image]) => meetsTagging(rule, image.tags));
      const { countType, countNumber } = rule.selection;
      const marked =
        countType === "imageCountMoreThan"
          ? candidates.sort(([, a], [, b]) => b.pushedAt - a.pushedAt).slice(countNumber)
          : candidates.filter(([, image]) => now - image.pushedAt > countNumber * DAY);
      for (const [digest, image] of marked) {
        const higher = rules.slice(0, index).some((earlier) => meetsTagging(earlier, image.tags));
        if (!higher) expire.add(digest);
      }
    });
    for (const digest of expire) {
      this.expired.push({ digest, tags: [...this.images.get(digest)!.tags], at: this.now() });
      this.images.delete(digest);
    }
  }

  // RepositoryTagApi, with the ECR API's documented behaviour.

  async taggedWith(prefix: string): Promise<TaggedImage[]> {
    return [...this.images]
      .filter(([, image]) => [...image.tags].some((tag) => tag.startsWith(prefix)))
      .map(([digest, image]) => ({ digest, tags: [...image.tags] }));
  }

  async addTag(digest: string, tag: string): Promise<void> {
    // BatchGetImage of a digest the repository lacks returns a failure, not a manifest.
    if (!this.images.has(digest)) throw new Error(`ImageNotFound: ${digest} is not in ${this.label}`);
    if (this.images.get(digest)!.tags.has(tag)) return;
    this.push(digest, tag);
  }

  /**
   * BatchDeleteImage by tag: removes the tag; removing an image's last tag deletes the image.
   * Deletions are not replicated unless delete replication is enabled
   * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-delete.html); it is not here.
   */
  async removeTag(tag: string): Promise<void> {
    for (const [digest, image] of this.images) {
      if (!image.tags.delete(tag)) continue;
      if (image.tags.size === 0) this.images.delete(digest);
    }
  }
}
