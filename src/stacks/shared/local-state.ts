import { join } from "path";

/**
 * Git-ignored folder, beside cdktf.out and never inside it, where a bootstrap stack keeps its
 * state before its bucket exists. `cdktf synth` deletes every stack folder it did not just
 * write, so state kept under cdktf.out is lost by the next synth of another environment.
 */
export const LOCAL_STATE_FOLDER = ".bootstrap-state";

/** The local state file of one stack inside the local state folder. */
export function localStateFile(folder: string, stack: string): string {
  return join(folder, `${stack}.tfstate`);
}
