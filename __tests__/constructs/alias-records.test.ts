import { AliasRecords, AliasRecordsProps } from "../../src/constructs/edge/alias-records";
import { constructStack, synthAlone } from "../support/construct-stack";

function records(props: Partial<AliasRecordsProps> = {}) {
  const stack = constructStack();
  new AliasRecords(stack, "dns", {
    zoneId: "Z1",
    names: ["svc.example.com", "www.svc.example.com"],
    target: { dnsName: "lb.example.com", zoneId: "Z2" },
    ...props,
  });
  return synthAlone(stack).resourceList("aws_route53_record");
}

describe("AliasRecords alone", () => {
  test("by default A and AAAA per name, aliasing the target with health evaluation", () => {
    const all = records();
    expect(all.map((record) => `${record.name} ${record.type}`).sort()).toEqual([
      "svc.example.com A",
      "svc.example.com AAAA",
      "www.svc.example.com A",
      "www.svc.example.com AAAA",
    ]);
    for (const record of all)
      expect(record.alias).toEqual({ name: "lb.example.com", zone_id: "Z2", evaluate_target_health: true });
  });

  test("A only for an IPv4-only target (a branch no shipped config takes)", () => {
    expect(records({ ipv6: false }).map((record) => record.type)).toEqual(["A", "A"]);
  });
});
