import type { Layer } from "./naming";
import type { HandoverSpec } from "./handover";
import { dataHandover } from "./data-handover";
import { networkHandover } from "./network-handover";
import { registryHandover } from "./registry-handover";

/** The handover each producing layer publishes, for tools that need every contract at once. */
export const handovers: Partial<Record<Layer, HandoverSpec>> = {
  registry: registryHandover,
  network: networkHandover,
  data: dataHandover,
};
