import { Testing } from "cdktf";
import { validateConfigs } from "../src/config/validate";
import { AppStack } from "../src/stacks/app-stack";
import { Synthesized, editedConfig, referenceTo, synthEnvironment } from "./support/synth";

describe("dns.hostedZoneId decides whether the app stack creates the zone", () => {
  test("unset: the app stack creates the domain's public zone; certificate validation and alias records go there; its name servers are an output", () => {
    const [config] = validateConfigs({ staging: editedConfig("staging", (input) => delete input.dns.hostedZoneId) });
    const json = Synthesized.of(new AppStack(Testing.app(), config));
    const zone = json.resource("aws_route53_zone");
    expect(zone.name).toBe(config.dns.domainName);
    const zoneId = referenceTo(json, "aws_route53_zone", zone, "zone_id");
    const records = json.resourceList("aws_route53_record");
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.zone_id).toBe(zoneId);
    expect(json.outputs().hosted_zone_name_servers.value).toBe(referenceTo(json, "aws_route53_zone", zone, "name_servers"));
  });

  test("set (both shipped environments): no zone is created and nothing asks for delegation", () => {
    const json = synthEnvironment("staging").app;
    expect(json.resourceList("aws_route53_zone")).toEqual([]);
    expect(json.outputs().hosted_zone_name_servers).toBeUndefined();
  });
});
