import { secretsManagerAdapter } from "../shared/secrets-manager";
import { rotate, RotationEvent, SecretsManager } from "./rotation";

/** Lambda entry point: binds the key-ring rotation to the shared Secrets Manager adapter and its settings. */

let secretsManager: SecretsManager | undefined;

function client(): SecretsManager {
  if (secretsManager) return secretsManager;
  const adapter = secretsManagerAdapter();
  secretsManager = {
    ...adapter,
    getRandomPassword: (PasswordLength, ExcludeCharacters) =>
      adapter.getRandomPassword({ PasswordLength, ExcludeCharacters }),
  };
  return secretsManager;
}

export const handler = (event: RotationEvent): Promise<void> =>
  rotate(event, client(), {
    keys: (process.env.SECRET_KEYS ?? "").split(",").filter(Boolean),
    length: Number(process.env.SECRET_LENGTH ?? 64),
    excludeCharacters: process.env.EXCLUDE_CHARACTERS ?? "",
  });
