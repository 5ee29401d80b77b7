/**
 * npm run preflight -- --env <name>
 *
 * Reads the environment's account (read-only) and checks that each account singleton's mode
 * (accounts.* in its config) will work: absent for create, present and as expected for existing
 * and organization. Exit 0 every mode fits, 1 a mode does not, 2 usage or an unknown environment.
 */
import { environments, selectEnvironments, validateConfigs } from "../../src/config";
import { EXIT, main, parseCommandLine, UsageError } from "../cli/command-line";
import { awsAccountReader } from "./aws";
import { preflight, renderPreflight } from "./preflight";

const USAGE = `usage: npm run preflight -- --env <name>

Checks, read-only with the credentials of the environment's account, that every account singleton
(GuardDuty, AWS Config, Security Hub, CloudTrail, Access Analyzer, GitHub OIDC provider) can be
handled as its accounts.<singleton>.mode says, before the first deploy. With a pilot light,
GuardDuty and Security Hub are checked in aws.drRegion too (the pilot light runs them there).

Exit codes: 0 every mode fits, 1 at least one does not, 2 usage or unknown environment, 3 AWS failed.`;

main({
  name: "preflight",
  usage: USAGE,
  run: async (argv) => {
    const { values } = parseCommandLine(argv, { env: { type: "string" } });
    if (!values.env) throw new UsageError("--env <name> is required");
    const [config] = (() => {
      try {
        return selectEnvironments(validateConfigs(environments), values.env);
      } catch (error) {
        throw new UsageError((error as Error).message.replace(/\s+/g, " "));
      }
    })();
    const checks = await preflight(
      config,
      awsAccountReader(config.aws.region),
      config.dr.pilotLight ? awsAccountReader(config.aws.drRegion) : undefined,
    );
    console.log(renderPreflight(config.environment, checks));
    return checks.some((check) => check.problems.length > 0) ? EXIT.refused : EXIT.ok;
  },
});
