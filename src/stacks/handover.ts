import { DataTerraformRemoteState, DataTerraformRemoteStateS3, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { Layer, stateKey, workspaceName } from "./naming";

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

/** Reads a producer stack's handover from its state: the environment's S3 bucket or its Terraform Cloud workspace. */
export class HandoverReader<S extends HandoverSpec> extends Construct {
  private readonly state: DataTerraformRemoteStateS3 | DataTerraformRemoteState;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, producer: Layer, readonly spec: S) {
    super(scope, id);
    const cloud = config.state.backend === "terraform-cloud" ? config.state.terraformCloud : undefined;
    this.state = cloud
      ? new DataTerraformRemoteState(this, "state", {
          hostname: cloud.hostname,
          organization: cloud.organization,
          workspaces: { name: workspaceName(config, producer) },
        })
      : new DataTerraformRemoteStateS3(this, "state", {
          bucket: config.state.bucket,
          key: stateKey(config.environment, producer),
          region: config.state.region,
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
