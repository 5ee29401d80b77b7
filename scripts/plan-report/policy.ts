/** The guard policy of a stack's environment, read from its config (`ci.guard`). */
import { environments } from "../../src/config";
import { parseStackName } from "../../src/config/naming";
import { DEFAULT_POLICY, GuardPolicy } from "./guard";

/** auth-<env>-<layer> → that environment's `ci.guard`; other names get the default (0 days is always blocked). */
export function guardPolicyFor(stack: string): GuardPolicy {
  const environment = parseStackName(stack)?.environment;
  const config = environment
    ? (environments as Record<string, { ci: { guard?: GuardPolicy } }>)[environment]
    : undefined;
  return config?.ci.guard ?? DEFAULT_POLICY;
}
