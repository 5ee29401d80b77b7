/** The scheduled checks' real ports: read-only AWS SDK calls under the drift role. */
import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand } from "@aws-sdk/client-acm";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { DescribeDBInstanceAutomatedBackupsCommand, RDSClient } from "@aws-sdk/client-rds";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { parseReleaseState } from "../../src/release/release-state";
import { RELEASE_ITEM, RELEASE_ITEM_KEY } from "../../src/release/release-store";
import { releaseTableName } from "../../src/config/naming";
import type { AccountCertificate, CertificatePort } from "./certificates";
import type { DrPreflightPort, ReplicatedBackup } from "./dr-preflight";

export function acmCertificates(): CertificatePort {
  return {
    certificates: async (region, domainName) => {
      const acm = new ACMClient({ region });
      const arns: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await acm.send(
          new ListCertificatesCommand({
            NextToken,
            CertificateStatuses: [
              "PENDING_VALIDATION",
              "ISSUED",
              "INACTIVE",
              "EXPIRED",
              "VALIDATION_TIMED_OUT",
              "REVOKED",
              "FAILED",
            ],
          }),
        );
        arns.push(
          ...(page.CertificateSummaryList ?? [])
            .filter((summary) => summary.DomainName === domainName)
            .map((summary) => summary.CertificateArn!),
        );
        NextToken = page.NextToken;
      } while (NextToken);
      const found: AccountCertificate[] = [];
      for (const arn of arns) {
        const { Certificate: certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
        found.push({
          arn,
          domainName,
          status: certificate?.Status ?? "UNKNOWN",
          notAfter: certificate?.NotAfter,
          renewalEligibility: certificate?.RenewalEligibility,
          inUseBy: certificate?.InUseBy ?? [],
        });
      }
      return found;
    },
  };
}

export function drPreflightAws(primaryRegion: string, environment: string): DrPreflightPort {
  return {
    ...acmCertificates(),
    replicatedBackups: async (region, sourceDbInstanceArn) => {
      const rds = new RDSClient({ region });
      const backups: ReplicatedBackup[] = [];
      let Marker: string | undefined;
      do {
        const page = await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ Marker }));
        for (const backup of page.DBInstanceAutomatedBackups ?? []) {
          if (backup.DBInstanceArn === sourceDbInstanceArn)
            backups.push({
              status: backup.Status ?? "unknown",
              earliest: backup.RestoreWindow?.EarliestTime,
              latest: backup.RestoreWindow?.LatestTime,
            });
        }
        Marker = page.Marker;
      } while (Marker);
      return backups;
    },
    releaseDigests: async () => {
      // The release item holds no secret (digests, AMI ids, traffic shares); GetItem is read-only.
      const { Item } = await new DynamoDBClient({ region: primaryRegion }).send(
        new GetItemCommand({
          TableName: releaseTableName(environment),
          Key: { ...RELEASE_ITEM_KEY },
          ProjectionExpression: "#state",
          ExpressionAttributeNames: { "#state": RELEASE_ITEM.state },
        }),
      );
      const state = parseReleaseState(Item?.[RELEASE_ITEM.state]?.S ?? "");
      const before = state.inFlight
        ? [state.inFlight.digest, state.inFlight.before.blue.digest, state.inFlight.before.green.digest]
        : [];
      return [state.blue.digest, state.green.digest, ...before].filter((digest) => digest !== "");
    },
    presentDigests: async (region, repository, digests) => {
      const ecr = new ECRClient({ region });
      const present: string[] = [];
      // One digest a call: DescribeImages fails the whole call with ImageNotFoundException when any is absent.
      for (const imageDigest of digests) {
        try {
          await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest }] }));
          present.push(imageDigest);
        } catch (error) {
          if ((error as Error).name !== "ImageNotFoundException") throw error;
        }
      }
      return present;
    },
  };
}
