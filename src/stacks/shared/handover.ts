import {
  DataTerraformRemoteState,
  DataTerraformRemoteStateS3,
  Fn,
  TerraformOutput,
  TerraformStack,
  Token,
} from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { Layer, drStateHome, stateBucketOf, stateKey, workspaceName } from "../../config/naming";

/**
 * A named value a stack publishes as a Terraform output, for the next stack (through its state)
 * or a tool (through `terraform output -json`). The example is what such a value looks like; the
 * offline proof suite plans consumers with it. An optional output exists only in some configs.
 */
export type HandoverOutput = (
  | { readonly type: "string"; readonly description: string; readonly example: string }
  | { readonly type: "number"; readonly description: string; readonly example: number }
  | { readonly type: "list"; readonly description: string; readonly example: readonly string[] }
  /** Strings under fixed keys (one per colour, say): the example's keys are the contract's. */
  | { readonly type: "map"; readonly description: string; readonly example: Readonly<Record<string, string>> }
  /** Strings and numbers under fixed keys. */
  | {
      readonly type: "object";
      readonly description: string;
      readonly example: Readonly<Record<string, string | number>>;
    }
) & { readonly optional?: true };

export type HandoverSpec = Readonly<Record<string, HandoverOutput>>;

type ValueOf<O extends HandoverOutput> = O["type"] extends "list"
  ? string[]
  : O["type"] extends "number"
    ? number
    : O["type"] extends "map" | "object"
      ? { readonly [K in keyof O["example"]]: O["example"][K] extends number ? number : string }
      : string;
type OptionalKeys<S extends HandoverSpec> = { [K in keyof S]: S[K]["optional"] extends true ? K : never }[keyof S];

/** The values of a handover: every output the spec names, of its type; optional ones may be missing. */
export type HandoverValues<S extends HandoverSpec> = {
  readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<S[K]>;
} & {
  readonly [K in OptionalKeys<S>]?: ValueOf<S[K]>;
};
type KeysOfType<S extends HandoverSpec, T extends HandoverOutput["type"]> = {
  [K in keyof S]: S[K]["type"] extends T ? K : never;
}[keyof S] &
  string;

/** Declares every output of a handover on the producing stack; the compiler insists on all of them. */
export function publishHandover<S extends HandoverSpec>(
  stack: TerraformStack,
  spec: S,
  values: HandoverValues<S>,
): void {
  for (const name of Object.keys(spec)) {
    const value = (values as Record<string, unknown>)[name];
    if (value !== undefined) new TerraformOutput(stack, name, { value, description: spec[name].description });
  }
}

/** Why a value from `terraform output -json` does not have an output's type, or undefined when it does. */
function typeProblem(output: HandoverOutput, value: unknown): string | undefined {
  switch (output.type) {
    case "list":
      return Array.isArray(value) && value.every((item) => typeof item === "string")
        ? undefined
        : "is not a list of strings";
    case "map":
    case "object": {
      const fields = Object.entries(output.example);
      const record =
        typeof value === "object" && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : undefined;
      return record && fields.every(([key, example]) => typeof record[key] === typeof example)
        ? undefined
        : `is not an object of ${fields.map(([key, example]) => `${key}: ${typeof example}`).join(", ")}`;
    }
    default:
      return typeof value === output.type ? undefined : `is not a ${output.type}`;
  }
}

/**
 * A stack's handover as a tool reads it from `terraform output -json`: every output of the spec,
 * checked against its type, so the tool works with the spec's types instead of `any`.
 */
export function readHandover<S extends HandoverSpec>(
  stack: string,
  spec: S,
  outputs: Readonly<Record<string, { readonly value: unknown }>>,
): HandoverValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(spec)) {
    const value = outputs[name]?.value;
    if (value === undefined) {
      if (output.optional) continue;
      throw new Error(`${stack} has no output ${name}: deploy it first`);
    }
    const problem = typeProblem(output, value);
    if (problem) throw new Error(`${stack} output ${name} ${problem}: was the stack deployed from another version?`);
    values[name] = value;
  }
  return values as HandoverValues<S>;
}

export interface HandoverReaderOptions {
  /**
   * Read the replica of a primary layer's state in the DR state bucket: what a DR stack reads, as
   * the primary bucket is unreachable in a regional outage. The replica lags by at most S3 RTC's
   * 15 minutes, and the values DR reads (ARNs) never change after the first apply. @default false
   */
  readonly replica?: boolean;
  /** Read a DR drill's restore stack (its state under <env>/drill/). @default false */
  readonly drill?: boolean;
}

/** Reads a producer stack's handover from its state: its S3 bucket (primary or DR) or its Terraform Cloud workspace. */
export class HandoverReader<S extends HandoverSpec> extends Construct {
  private readonly state: DataTerraformRemoteStateS3 | DataTerraformRemoteState;

  /** Whether it reads the replica in the DR state bucket (the stack diagram in the docs draws this). */
  readonly replica: boolean;

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    readonly producer: Layer,
    readonly spec: S,
    options: HandoverReaderOptions = {},
  ) {
    super(scope, id);
    this.replica = options.replica ?? false;
    const home = options.replica ? drStateHome(config) : stateBucketOf(config, producer);
    const cloud = config.state.backend === "terraform-cloud" ? config.state.terraformCloud : undefined;
    this.state = cloud
      ? new DataTerraformRemoteState(this, "state", {
          hostname: cloud.hostname,
          organization: cloud.organization,
          workspaces: { name: workspaceName(config, producer) },
        })
      : new DataTerraformRemoteStateS3(this, "state", {
          bucket: home.bucket,
          key: stateKey(config.environment, producer, options.drill),
          region: home.region,
          encrypt: true,
        });
  }

  string(name: KeysOfType<S, "string">): string {
    return this.state.getString(name);
  }

  number(name: KeysOfType<S, "number">): number {
    return this.state.getNumber(name);
  }

  list(name: KeysOfType<S, "list">): string[] {
    return this.state.getList(name);
  }

  /** One key of a map or object output, as an expression. */
  field(name: KeysOfType<S, "map" | "object">, key: string): string {
    return Token.asString(Fn.lookup(this.state.get(name), key));
  }
}
