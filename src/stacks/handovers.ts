import type { Layer } from "./naming";
import type { HandoverSpec } from "./handover";
import { appHandover } from "./app-handover";
import { bootstrapHandover } from "./bootstrap-handover";
import { dataHandover } from "./data-handover";
import { drNetworkHandover } from "./dr-handovers";
import { networkHandover } from "./network-handover";
import { registryHandover } from "./registry-handover";
import { securityHandover } from "./security-handover";

/** The outputs every layer publishes, for tools that need every contract at once. */
export const handovers: Record<Layer, HandoverSpec> = {
  bootstrap: bootstrapHandover,
  security: securityHandover,
  registry: registryHandover,
  network: networkHandover,
  data: dataHandover,
  app: appHandover,
  "dr-network": drNetworkHandover,
  // The restore stack hands over the data contract, pointing at the restored stores.
  "dr-data": dataHandover,
  // The DR app hands over the app contract: its URL, load balancer, fleets and the release it runs.
  "dr-app": appHandover,
};
