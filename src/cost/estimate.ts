/**
 * The monthly cost of one environment from its synthesized stacks (cdk.tf.json): per resource, per
 * stack, per category, fixed apart from usage-based. The restore-mode DR stacks are priced apart,
 * as a cost per day of a restore; the blue/green fleets in steady state and during a release.
 */
import type { EnvironmentConfig } from "../config/schema/schema";
import { isDrLayer, Layer, parseStackName, RESTORE_LAYERS } from "../config/naming";
import { catalogueDate } from "./catalogue";
import {
  Attributes,
  CATEGORIES,
  Category,
  CostLine,
  HOURS_PER_MONTH,
  priceResource,
  PricingContext,
} from "./price-resource";

export interface EstimateItem {
  readonly stack: string;
  /** Terraform address, e.g. aws_nat_gateway.network_nat-gateway-eu-west-1a_D3CF07C4. */
  readonly address: string;
  readonly type: string;
  readonly category: Category;
  readonly region: string;
  /** US dollars a month, fixed plus usage, steady state. */
  readonly monthly: number;
  readonly fixed: number;
  readonly usage: number;
  /** Monthly rate (fixed plus usage) while a release runs (both colours full), for the fleets. */
  readonly duringRelease?: number;
  readonly lines: CostLine[];
  readonly note?: string;
}

export interface RestoreCost {
  readonly stacks: string[];
  readonly perDay: number;
  readonly items: EstimateItem[];
}

export interface Estimate {
  readonly environment: string;
  readonly currency: "USD";
  /** The catalogue date the figures come from; an estimate, not a bill. */
  readonly catalogueDate: string;
  readonly hoursPerMonth: number;
  readonly total: number;
  readonly fixed: number;
  readonly usage: number;
  /** The monthly total while a release runs (both colours full). */
  readonly totalDuringRelease: number;
  readonly byCategory: Record<Category, number>;
  readonly byStack: Record<string, number>;
  readonly items: EstimateItem[];
  /** The restore-mode DR stacks, when the synth output holds them. */
  readonly restore?: RestoreCost;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;
const sum = (values: number[]) => cents(values.reduce((total, value) => total + value, 0));

/** The region of a resource: its provider alias's region in the stack, else the default provider's. */
function regionOf(stackJson: Attributes, resource: Attributes): string {
  const providers: Attributes[] = stackJson.provider?.aws ?? [];
  const alias = typeof resource.provider === "string" ? resource.provider.replace(/^aws\./, "") : undefined;
  const provider = providers.find((candidate) => (alias ? candidate.alias === alias : candidate.alias === undefined));
  if (!provider?.region) throw new Error(`no region for provider ${resource.provider ?? "aws"}`);
  return provider.region;
}

/** Resolves `${aws_launch_template.NAME.id}` of a group to that template's instance type and root volume. */
function launchTemplateResolver(stackJson: Attributes): PricingContext["launchTemplate"] {
  return (group) => {
    const reference = (Array.isArray(group.launch_template) ? group.launch_template[0] : group.launch_template)?.id;
    const name = typeof reference === "string" ? /aws_launch_template\.([^.]+)\.id/.exec(reference)?.[1] : undefined;
    const template = name ? stackJson.resource?.aws_launch_template?.[name] : undefined;
    if (!template) return undefined;
    const root = (template.block_device_mappings ?? [])[0]?.ebs;
    const monitoring = Array.isArray(template.monitoring) ? template.monitoring[0] : template.monitoring;
    return {
      instanceType: template.instance_type,
      rootVolumeGb: Number(root?.volume_size ?? 8),
      detailedMonitoring: monitoring?.enabled === true,
    };
  };
}

/** Prices every resource of one stack's cdk.tf.json. */
export function priceStack(stack: string, stackJson: Attributes, config: EnvironmentConfig): EstimateItem[] {
  const layer = parseStackName(stack)?.layer as Layer | undefined;
  const drSite = layer !== undefined && isDrLayer(layer);
  const zones = drSite ? config.dr.network.availabilityZones.length : config.network.availabilityZones.length;
  const launchTemplate = launchTemplateResolver(stackJson);
  const items: EstimateItem[] = [];
  for (const [type, blocks] of Object.entries<Record<string, Attributes>>(stackJson.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const region = regionOf(stackJson, block);
      const price = priceResource(type, block, {
        region,
        usage: config.cost.usage,
        zones,
        launchTemplate,
        managementEventsRecordedElsewhere: drSite,
      });
      if (!price) continue;
      // Everything of the DR site is DR, whatever its type.
      const category: Category = drSite ? "DR" : price.category;
      const fixed = sum(price.lines.filter((line) => line.fixed).map((line) => line.monthly));
      const usage = sum(price.lines.filter((line) => !line.fixed).map((line) => line.monthly));
      const duringRelease = price.duringRelease ? sum(price.duringRelease.map((line) => line.monthly)) : undefined;
      items.push({
        stack,
        address: `${type}.${name}`,
        type,
        category,
        region,
        monthly: cents(fixed + usage),
        fixed,
        usage,
        ...(duringRelease !== undefined ? { duringRelease } : {}),
        lines: drSite ? price.lines.map((line) => ({ ...line, category: "DR" as Category })) : price.lines,
        ...(price.note ? { note: price.note } : {}),
      });
    }
  }
  return items;
}

function byCategory(items: EstimateItem[]): Record<Category, number> {
  const totals = Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<Category, number>;
  for (const item of items) for (const line of item.lines) totals[line.category ?? item.category] += line.monthly;
  for (const category of CATEGORIES) totals[category] = cents(totals[category]);
  return totals;
}

/** The estimate of one environment from its stacks' JSON, keyed by stack name. */
export function estimateEnvironment(config: EnvironmentConfig, stacks: Record<string, Attributes>): Estimate {
  const mine = Object.keys(stacks)
    .filter((stack) => parseStackName(stack)?.environment === config.environment)
    .sort();
  if (mine.length === 0) throw new Error(`no stack of environment ${config.environment} in the synth output`);
  const isRestore = (stack: string) => (RESTORE_LAYERS as readonly string[]).includes(parseStackName(stack)!.layer);
  const items = mine.filter((stack) => !isRestore(stack)).flatMap((stack) => priceStack(stack, stacks[stack], config));
  const restoreStacks = mine.filter(isRestore);
  const restoreItems = restoreStacks.flatMap((stack) => priceStack(stack, stacks[stack], config));
  const fixed = sum(items.map((item) => item.fixed));
  const usage = sum(items.map((item) => item.usage));
  const releaseExtra = sum(
    items.filter((item) => item.duringRelease !== undefined).map((item) => item.duringRelease! - item.monthly),
  );
  return {
    environment: config.environment,
    currency: "USD",
    catalogueDate: catalogueDate(),
    hoursPerMonth: HOURS_PER_MONTH,
    total: cents(fixed + usage),
    fixed,
    usage,
    totalDuringRelease: cents(fixed + usage + releaseExtra),
    byCategory: byCategory(items),
    byStack: Object.fromEntries(
      mine
        .filter((stack) => !isRestore(stack))
        .map((stack) => [stack, sum(items.filter((item) => item.stack === stack).map((item) => item.monthly))]),
    ),
    items,
    ...(restoreStacks.length > 0
      ? {
          restore: {
            stacks: restoreStacks,
            perDay: cents((sum(restoreItems.map((item) => item.monthly)) / HOURS_PER_MONTH) * 24),
            items: restoreItems,
          },
        }
      : {}),
  };
}
