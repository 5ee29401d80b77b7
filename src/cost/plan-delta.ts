/**
 * The monthly cost change of one `terraform show -json` plan: each created, destroyed, replaced
 * or updated resource priced before and after, from the plan's own values (the plan job computes
 * it in memory; pull-request plans are never saved). Only dollar figures and addresses leave it.
 */
import { environments, validateConfigs } from "../config";
import { DEFAULT_USAGE, UsageAssumptions } from "../config/schema/cost-schema";
import { parseStackName } from "../config/naming";
import { catalogueDate, MissingPriceError } from "./catalogue";
import { Attributes, priceResource, PricingContext } from "./price-resource";

export type CostAction = "create" | "destroy" | "replace" | "update";

export interface CostChange {
  readonly address: string;
  readonly type: string;
  readonly action: CostAction;
  /** US dollars a month before and after the change (0 for what does not exist). */
  readonly before: number;
  readonly after: number;
  readonly delta: number;
  /** Why a resource could not be priced, when it could not. */
  readonly unpriced?: string;
}

export interface PlanCost {
  readonly catalogueDate: string;
  readonly delta: number;
  /** The changes whose price moves, or which could not be priced. */
  readonly changes: CostChange[];
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

function actionOf(actions: string[]): CostAction | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "destroy";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  return undefined;
}

/** The usage assumptions and zone count of a stack's environment, or the defaults. */
function environmentOf(stack: string): { usage: UsageAssumptions; zones: number } {
  const name = parseStackName(stack)?.environment;
  const input = name ? (environments as Record<string, unknown>)[name] : undefined;
  if (!input) return { usage: DEFAULT_USAGE, zones: 2 };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validateConfigs checks the shape itself.
  const [config] = validateConfigs({ [name!]: input as any });
  return { usage: config.cost.usage, zones: config.network.availabilityZones.length };
}

/** Region per provider config key ("aws", "aws.dr") from the plan's configuration. */
function regions(plan: Attributes): Record<string, string> {
  return Object.fromEntries(
    Object.entries<Attributes>(plan.configuration?.provider_config ?? {})
      .map(([key, provider]) => [key, provider.expressions?.region?.constant_value])
      .filter(([, region]) => typeof region === "string"),
  );
}

export function planCost(stack: string, plan: Attributes): PlanCost {
  const { usage, zones } = environmentOf(stack);
  const regionByKey = regions(plan);
  const configured = new Map<string, Attributes>(
    (plan.configuration?.root_module?.resources ?? []).map((resource: Attributes) => [resource.address, resource]),
  );
  const changes: Attributes[] = (plan.resource_changes ?? []).filter((change: Attributes) => change.mode !== "data");
  // A group's launch template: the one its configuration references, with the template's planned or prior values.
  const templates = new Map<string, Attributes>(
    changes
      .filter((change) => change.type === "aws_launch_template")
      .map((change) => [change.address, change.change.after ?? change.change.before]),
  );
  const launchTemplate =
    (address: string): PricingContext["launchTemplate"] =>
    () => {
      const references: string[] = configured.get(address)?.expressions?.launch_template?.[0]?.id?.references ?? [];
      const template = references.map((reference) => templates.get(reference.replace(/\.id$/, ""))).find(Boolean);
      if (!template) return undefined;
      const root =
        (template.block_device_mappings ?? [])[0]?.ebs?.[0] ?? (template.block_device_mappings ?? [])[0]?.ebs;
      return {
        instanceType: template.instance_type,
        rootVolumeGb: Number(root?.volume_size ?? 8),
        detailedMonitoring: template.monitoring?.[0]?.enabled === true,
      };
    };

  const priced: CostChange[] = [];
  for (const change of changes) {
    const action = actionOf(change.change.actions);
    if (!action) continue;
    const key = configured.get(change.address)?.provider_config_key ?? "aws";
    const region = regionByKey[key] ?? regionByKey.aws ?? "eu-west-1";
    const context: PricingContext = { region, usage, zones, launchTemplate: launchTemplate(change.address) };
    const monthly = (values: Attributes | null | undefined) => {
      if (!values) return 0;
      const price = priceResource(change.type, values, context);
      return price ? price.lines.reduce((sum, line) => sum + line.monthly, 0) : 0;
    };
    try {
      const before = action === "create" ? 0 : monthly(change.change.before);
      const after = action === "destroy" ? 0 : monthly(change.change.after);
      if (before === 0 && after === 0) continue;
      priced.push({
        address: change.address,
        type: change.type,
        action,
        before: cents(before),
        after: cents(after),
        delta: cents(after - before),
      });
    } catch (error) {
      // A price the estimate cannot make never fails the plan job: the section names it instead.
      const reason =
        error instanceof MissingPriceError
          ? error.message
          : `could not be priced (${String((error as Error).message).split("\n")[0]})`;
      priced.push({
        address: change.address,
        type: change.type,
        action,
        before: 0,
        after: 0,
        delta: 0,
        unpriced: reason,
      });
    }
  }
  return {
    catalogueDate: catalogueDate(),
    delta: cents(priced.reduce((sum, change) => sum + change.delta, 0)),
    changes: priced,
  };
}
