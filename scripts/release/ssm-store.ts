/**
 * The release state and lease in SSM Parameter Store.
 *
 * Why SSM: the app stack reads the state with a plain `aws_ssm_parameter` data source, every
 * write is kept as a numbered version (`aws ssm get-parameter-history` is the release log),
 * IAM can scope who writes `/auth/<env>/release/*`, and the lease needs only one documented
 * conditional write: PutParameter with Overwrite=false fails with ParameterAlreadyExists when
 * the parameter exists (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 */
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { parseReleaseState, releaseLeaseParameterName, releaseStateParameterName, ReleaseState, serializeReleaseState } from "../../src/release/release-state";
import { stackName } from "../../src/stacks/naming";
import type { LeaseAttempt, LeaseRecord, ReleaseStore } from "./ports";

/** The subset of the SSM API the store uses, so the tests can give it a fake with the same rules. */
export interface ParameterApi {
  get(name: string): Promise<string | undefined>;
  /** Overwrite=false fails with an error named ParameterAlreadyExists when the name exists. */
  put(name: string, value: string, overwrite: boolean): Promise<number>;
  /** Fails with an error named ParameterNotFound when the name does not exist. */
  delete(name: string): Promise<void>;
}

export function ssmParameterApi(region: string): ParameterApi {
  const ssm = new SSMClient({ region });
  return {
    async get(name) {
      try {
        return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
      } catch (error) {
        if ((error as Error).name === "ParameterNotFound") return undefined;
        throw error;
      }
    },
    async put(name, value, overwrite) {
      return (await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: overwrite }))).Version ?? 0;
    },
    async delete(name) {
      await ssm.send(new DeleteParameterCommand({ Name: name }));
    },
  };
}

export function parameterStore(api: ParameterApi, environment: string): ReleaseStore {
  const stateName = releaseStateParameterName(environment);
  const leaseName = releaseLeaseParameterName(environment);
  const currentLease = async (): Promise<LeaseRecord | undefined> => {
    const text = await api.get(leaseName);
    return text === undefined ? undefined : (JSON.parse(text) as LeaseRecord);
  };
  return {
    async read(): Promise<ReleaseState> {
      const text = await api.get(stateName);
      if (text === undefined) throw new Error(`${stateName} does not exist: deploy ${stackName(environment, "registry")} first (it seeds the release state)`);
      return parseReleaseState(text);
    },
    async write(state, lease) {
      // A run whose stale lease was taken over must not write any more.
      const holder = await currentLease();
      if (holder?.runId !== lease.runId) throw new Error(`lost the lease of ${environment} to ${holder?.holder ?? "nobody"}; not writing the release state`);
      await api.put(stateName, serializeReleaseState(state), true);
    },
    async acquire(lease): Promise<LeaseAttempt> {
      try {
        await api.put(leaseName, JSON.stringify(lease), false);
        return { acquired: true };
      } catch (error) {
        if ((error as Error).name !== "ParameterAlreadyExists") throw error;
        const heldBy = await currentLease();
        // Released between our put and our read: try once more.
        if (!heldBy) return this.acquire(lease);
        return { acquired: false, heldBy };
      }
    },
    async release(lease) {
      if ((await currentLease())?.runId === lease.runId) await deleteIfPresent(api, leaseName);
    },
    async breakStale(stale) {
      if ((await currentLease())?.runId === stale.runId) await deleteIfPresent(api, leaseName);
    },
  };
}

async function deleteIfPresent(api: ParameterApi, name: string): Promise<void> {
  try {
    await api.delete(name);
  } catch (error) {
    if ((error as Error).name !== "ParameterNotFound") throw error;
  }
}
