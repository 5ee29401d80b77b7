import { DataTerraformRemoteState, DataTerraformRemoteStateS3, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { Layer, drStateHome, stateBucketOf, stateKey, workspaceName } from "./auth-stack";

/**
 * A named value one stack hands to the next through its Terraform state. The example is what
 * such a value looks like; the offline proof suite plans consumers with it.
 */
export type HandoverOutput =
  | { readonly type: "string"; readonly description: string; readonly example: string }
  | { readonly type: "number"; readonly description: string; readonly example: number }
  | { readonly type: "list"; readonly description: string; readonly example: readonly string[] };

export type HandoverSpec = Readonly<Record<string, HandoverOutput>>;

type ValueOf<O extends HandoverOutput> = O["type"] extends "list" ? string[] : O["type"] extends "number" ? number : string;
type KeysOfType<S extends HandoverSpec, T extends HandoverOutput["type"]> = {
  [K in keyof S]: S[K]["type"] extends T ? K : never;
}[keyof S] &
  string;

/** Declares every output of a handover on the producing stack; the compiler insists on all of them. */
export function publishHandover<S extends HandoverSpec>(
  stack: TerraformStack,
  spec: S,
  values: { readonly [K in keyof S]: ValueOf<S[K]> },
): void {
  for (const name of Object.keys(spec)) {
    new TerraformOutput(stack, name, { value: values[name], description: spec[name].description });
  }
}

export interface HandoverReaderOptions {
  /**
   * Read the replica of a primary layer's state in the DR state bucket: what a DR stack reads, as
   * the primary bucket is unreachable in a regional outage. The replica lags by at most S3 RTC's
   * 15 minutes, and the values DR reads (ARNs) never change after the first apply. @default false
   */
  readonly replica?: boolean;
}

/** Reads a producer stack's handover from its state: its S3 bucket (primary or DR) or its Terraform Cloud workspace. */
export class HandoverReader<S extends HandoverSpec> extends Construct {
  private readonly state: DataTerraformRemoteStateS3 | DataTerraformRemoteState;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, producer: Layer, readonly spec: S, options: HandoverReaderOptions = {}) {
    super(scope, id);
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
          key: stateKey(config.environment, producer),
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
}
