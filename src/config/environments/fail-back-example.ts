import { resourcePrefix } from "../naming";
import type { EnvironmentConfigInput } from "../schema/schema";

/**
 * A fail back as `npm run dr:restore-primary` would print it for an environment: the example the
 * tests and the offline proof (auth-<env>-data@restore-primary) plan. The ARNs are examples of the
 * shapes AWS gives them, in the environment's own region and account.
 */
export function withFailBack(config: EnvironmentConfigInput, promotedSecretsDeleted = false): EnvironmentConfigInput {
  const { region, accountId } = config.aws;
  return {
    ...config,
    dr: {
      ...config.dr,
      failBack: {
        snapshot: `arn:aws:rds:${region}:${accountId}:snapshot:${resourcePrefix(config.environment)}-failback`,
        generation: 2,
        previousMasterSecretArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf`,
        promotedSecretsDeleted,
      },
    },
  };
}
