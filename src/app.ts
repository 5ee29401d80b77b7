import { App } from "cdktf";
import { join, resolve } from "path";
import { environments } from "./config";
import type { EnvironmentConfig } from "./config/schema/schema";
import type { RestoreMode } from "./config/restore-mode";
import { selectEnvironments, validateConfigs } from "./config/rules/validate";
import { repairHclRendering } from "./hcl-output";
import { projectRoot } from "./project-root";
import { AppStack } from "./stacks/app/app-stack";
import { stackName } from "./config/naming";
import { BootstrapStack } from "./stacks/bootstrap/bootstrap-stack";
import { DataStack } from "./stacks/data/data-stack";
import { DrAppStack } from "./stacks/dr/dr-app-stack";
import { DrDataStack } from "./stacks/dr/dr-data-stack";
import { DrNetworkStack } from "./stacks/dr/dr-network-stack";
import { LOCAL_STATE_FOLDER, localStateFile } from "./stacks/shared/local-state";
import { NetworkStack } from "./stacks/network/network-stack";
import { RegistryStack } from "./stacks/registry/registry-stack";
import { SecurityStack } from "./stacks/security/security-stack";

export interface AppOptions {
  /** Name of the one environment to synthesize; all when unset. */
  readonly environment?: string;
  /** Give the bootstrap stacks local state (their first apply, before the bucket exists). @default false */
  readonly bootstrapLocalState?: boolean;
  /** Folder of that local state; never inside the synth output. @default <project root>/.bootstrap-state */
  readonly localStateFolder?: string;
  /** Where synth writes; cdktf's CDKTF_OUTDIR or cdktf.out when unset. */
  readonly outdir?: string;
  /** Raw environment configs. @default the ones under src/config */
  readonly configs?: Readonly<Record<string, unknown>>;
  /** Restore mode (AUTH_DR_RESTORE=1): add the restore stacks in the DR region of every environment with a pilot light. @default off */
  readonly restore?: RestoreMode;
}

/** Adds the stacks of one environment in deploy order: bootstrap -> security -> [dr-network] -> registry -> network -> data -> app. */
export function addEnvironment(
  app: App,
  config: EnvironmentConfig,
  options: Pick<AppOptions, "bootstrapLocalState" | "localStateFolder" | "restore"> = {},
) {
  const folder = () => resolve(options.localStateFolder ?? join(projectRoot(), LOCAL_STATE_FOLDER));
  const bootstrap = new BootstrapStack(app, config, {
    localStateFile: options.bootstrapLocalState
      ? localStateFile(folder(), stackName(config.environment, "bootstrap"))
      : undefined,
  });
  // The trail and threat detection watch the account before anything else is created in it.
  const security = new SecurityStack(app, config);
  security.addDependency(bootstrap);
  // The pilot light keeps its state in the DR bucket the bootstrap stack makes, and its image
  // repository must exist before the registry stack's replication rule copies the first image.
  const drNetwork = config.dr.pilotLight ? new DrNetworkStack(app, config) : undefined;
  drNetwork?.addDependency(security);
  // The registry (and the release state it seeds) exists before any fleet boots.
  const registry = new RegistryStack(app, config);
  registry.addDependency(drNetwork ?? security);
  const network = new NetworkStack(app, config);
  network.addDependency(registry);
  const data = new DataStack(app, config);
  data.addDependency(network);
  const app_ = new AppStack(app, config);
  app_.addDependency(data);
  // Restore mode only: no deploy of the primary layers ever creates these.
  if (drNetwork && options.restore) {
    const drData = new DrDataStack(app, config, options.restore);
    drData.addDependency(drNetwork);
    new DrAppStack(app, config, options.restore).addDependency(drData);
  }
  return { bootstrap, security, registry, network, data, app: app_ };
}

/**
 * Validates every config first and only then creates the App, because `new App()` already
 * creates the output directory: a bad config must leave no files behind.
 */
export function buildApp(options: AppOptions = {}): App {
  const configs = selectEnvironments(validateConfigs(options.configs ?? environments), options.environment);
  // Fixes cdktf's HCL renderer (`cdktf synth --hcl`) before any stack renders; JSON synth is unaffected.
  repairHclRendering();
  const app = new App({ outdir: options.outdir });
  for (const config of configs) addEnvironment(app, config, options);
  return app;
}
