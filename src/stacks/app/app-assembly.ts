import type { EnvironmentConfig } from "../../config/schema/schema";
import type { ReleaseStateView } from "../../constructs/release/release-state-reader";
import type { EncryptionKey } from "../../constructs/security/encryption-key";
import type { AppSite, AppSources } from "./app-site";
import type { BaseStack } from "../shared/base-stack";

/**
 * What every part of an app stack is built from: the stack (the parts add their constructs to it
 * directly, so their Terraform addresses stay those of the stack), the config, where the site runs
 * and what it reads.
 */
export interface AppAssembly {
  readonly stack: BaseStack;
  readonly config: EnvironmentConfig;
  readonly site: AppSite;
  /** config.aws with the site's region: every aws.region of an app part is the site's. */
  readonly aws: EnvironmentConfig["aws"];
  readonly sources: AppSources;
  readonly release: ReleaseStateView;
  /** Encrypts the app's logs, the WAF's logs and the convergence function's environment. */
  readonly appKey: EncryptionKey;
}
