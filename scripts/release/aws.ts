/** The real release ports: ELB target health, Auto Scaling, CloudWatch alarms, ECR, the public AMI parameter. */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeImageScanFindingsCommand,
  ECRClient,
  ImageScanFinding,
  PutImageCommand,
  StartImageScanCommand,
} from "@aws-sdk/client-ecr";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AL2023_AMI_PARAMETER, Colour } from "../../src/release/release-state";
import type { AlarmWatch, AmiSource, Fleet, ImageRegistry } from "./ports";
import type { RepositoryTagApi, TaggedImage } from "./release-tags";
import type { Finding, Severity } from "./scan-gate";

/** Abortable pause for polling loops. */
function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("interrupted"));
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("interrupted"))), { once: true });
  });
}

export function awsFleet(
  targetGroupArns: Record<Colour, string>,
  groupNames: Record<Colour, string>,
  region: string,
  timeoutMs = 15 * 60_000,
): Fleet {
  const elb = new ElasticLoadBalancingV2Client({ region });
  const autoscaling = new AutoScalingClient({ region });
  return {
    async waitHealthy(colour, count, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { TargetHealthDescriptions = [] } = await elb.send(
          new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArns[colour] }),
          { abortSignal: signal },
        );
        const healthy = TargetHealthDescriptions.filter((target) => target.TargetHealth?.State === "healthy").length;
        if (healthy >= count) return;
        if (Date.now() > deadline)
          throw new Error(`${healthy} of ${count} healthy after ${timeoutMs / 60_000} minutes`);
        await pause(15_000, signal);
      }
    },
    async desiredCapacity(colour) {
      const { AutoScalingGroups = [] } = await autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupNames[colour]] }),
      );
      return AutoScalingGroups[0]?.DesiredCapacity ?? 0;
    },
  };
}

export function cloudWatchAlarms(prefix: string, region: string): AlarmWatch {
  const cloudwatch = new CloudWatchClient({ region });
  const names = async (input: { AlarmNamePrefix?: string; AlarmNames?: string[]; StateValue?: "ALARM" }) => {
    const found: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cloudwatch.send(new DescribeAlarmsCommand({ ...input, NextToken }));
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])])
        if (alarm.AlarmName) found.push(alarm.AlarmName);
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  };
  return {
    firing: () => names({ AlarmNamePrefix: prefix, StateValue: "ALARM" }),
    async missing(wanted) {
      const existing = new Set(await names({ AlarmNames: [...wanted] }));
      return wanted.filter((name) => !existing.has(name));
    },
  };
}

export function ecrImages(repositoryName: string, region: string): ImageRegistry {
  const ecr = new ECRClient({ region });
  const imageId = (digest: string) => ({ repositoryName, imageId: { imageDigest: digest } });
  return {
    async exists(digest) {
      try {
        const { imageDetails = [] } = await ecr.send(
          new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }),
        );
        return imageDetails.length > 0;
      } catch (error) {
        if ((error as Error).name === "ImageNotFoundException") return false;
        throw error;
      }
    },
    /**
     * Waits for the image's scan to complete and returns its findings. An image that was never
     * scanned here (replicated from another registry, or pushed before scan on push) gets a scan
     * started: basic scanning allows one per image per day, which is all a release needs.
     */
    async findings(digest, timeoutMs = 15 * 60_000) {
      const deadline = Date.now() + timeoutMs;
      let started = false;
      for (;;) {
        try {
          return await allFindings(digest);
        } catch (error) {
          const name = (error as Error).name;
          if (name === "ScanNotFoundException" && !started) {
            await ecr.send(new StartImageScanCommand(imageId(digest)));
            started = true;
          } else if (name !== "ScanNotFoundException" && name !== "ScanInProgress") throw error;
        }
        if (Date.now() > deadline) throw new Error(`no complete scan of ${digest} after ${timeoutMs / 60_000} minutes`);
        await new Promise((resolve) => setTimeout(resolve, 15_000));
      }
    },
  };

  async function allFindings(digest: string): Promise<Finding[]> {
    const found: Finding[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new DescribeImageScanFindingsCommand({ ...imageId(digest), nextToken }));
      const status = page.imageScanStatus?.status;
      if (status === "IN_PROGRESS" || status === "PENDING")
        throw Object.assign(new Error(`scan ${status}`), { name: "ScanInProgress" });
      if (status !== "COMPLETE")
        throw new Error(
          `scan status ${status ?? "unknown"}${page.imageScanStatus?.description ? `: ${page.imageScanStatus.description}` : ""}`,
        );
      for (const finding of page.imageScanFindings?.findings ?? []) found.push(toFinding(finding));
      nextToken = page.nextToken;
    } while (nextToken);
    return found;
  }
}

/** Manifest types a retag must get back unconverted, so PutImage sees the very bytes of the digest. */
const MANIFEST_MEDIA_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
];

/**
 * Tags of one repository through the ECR API. A new tag on an existing image is a PutImage of its
 * manifest (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-retag.html), which an
 * immutable repository allows for a tag not yet in use; BatchDeleteImage by tag removes that tag
 * only, and the image with its last tag
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html).
 */
export function ecrRepositoryTags(repositoryName: string, region: string): RepositoryTagApi {
  const ecr = new ECRClient({ region });
  return {
    label: `${repositoryName} in ${region}`,
    async taggedWith(prefix) {
      const found: TaggedImage[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecr.send(
          new DescribeImagesCommand({ repositoryName, filter: { tagStatus: "TAGGED" }, nextToken }),
        );
        for (const image of page.imageDetails ?? []) {
          const tags = image.imageTags ?? [];
          if (image.imageDigest && tags.some((tag) => tag.startsWith(prefix)))
            found.push({ digest: image.imageDigest, tags });
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return found;
    },
    async addTag(digest, tag) {
      const { images = [], failures = [] } = await ecr.send(
        new BatchGetImageCommand({
          repositoryName,
          imageIds: [{ imageDigest: digest }],
          acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
        }),
      );
      const image = images[0];
      if (!image?.imageManifest) throw new Error(failures[0]?.failureReason ?? `no image ${digest}`);
      try {
        await ecr.send(
          new PutImageCommand({
            repositoryName,
            imageManifest: image.imageManifest,
            imageManifestMediaType: image.imageManifestMediaType,
            imageDigest: digest,
            imageTag: tag,
          }),
        );
      } catch (error) {
        // The tag is already on this very image: a retry after a lost response.
        if ((error as Error).name !== "ImageAlreadyExistsException") throw error;
      }
    },
    async removeTag(tag) {
      const { failures = [] } = await ecr.send(
        new BatchDeleteImageCommand({ repositoryName, imageIds: [{ imageTag: tag }] }),
      );
      const failure = failures.find((candidate) => candidate.failureCode !== "ImageNotFound");
      if (failure) throw new Error(`cannot untag ${tag}: ${failure.failureCode} ${failure.failureReason ?? ""}`.trim());
    },
  };
}

function toFinding(finding: ImageScanFinding): Finding {
  return {
    name: finding.name ?? "unnamed finding",
    severity: (finding.severity ?? "UNDEFINED") as Severity | "UNDEFINED",
  };
}

/** The newest Amazon Linux 2023 AMI, from the public parameter AWS maintains. */
export function al2023Ami(region: string): AmiSource {
  const ssm = new SSMClient({ region });
  return {
    async latest() {
      const value = (await ssm.send(new GetParameterCommand({ Name: AL2023_AMI_PARAMETER }))).Parameter?.Value;
      if (!value) throw new Error(`${AL2023_AMI_PARAMETER} has no value`);
      return value;
    },
  };
}
