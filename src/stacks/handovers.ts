import type { Layer } from "../config/naming";
import type { HandoverSpec } from "./shared/handover";
import { appHandover } from "./app/app-handover";
import { bootstrapHandover } from "./bootstrap/bootstrap-handover";
import { dataHandover } from "./data/data-handover";
import { drNetworkHandover } from "./dr/dr-handovers";
import { networkHandover } from "./network/network-handover";
import { registryHandover } from "./registry/registry-handover";
import { securityHandover } from "./security/security-handover";

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
