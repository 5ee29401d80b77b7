import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

const ROOT = join(__dirname, "..");

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}
const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "scripts"))].map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));
// The test support too: it reads what the stacks write, so it must not keep its own copy of a fact.
const supportFiles = sources(join(ROOT, "__tests__", "support")).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));
const definingFiles = (pattern: RegExp) =>
  [...files, ...supportFiles].filter(({ text }) => pattern.test(text)).map(({ path }) => path);

describe("one home per release fact: a copy that reappears fails here", () => {
  test("the Colour type and the colour list: src/release/release-state.ts", () => {
    expect(definingFiles(/type Colour\b|["']blue["'],\s*["']green["']/)).toEqual(["src/release/release-state.ts"]);
  });

  test("the idle-colour rule: src/release/release-state.ts (the app stack renders it from there)", () => {
    expect(definingFiles(/greenTrafficPercent\s*<=?\s*\d|green_traffic_percent\s*<=?\s*\d/)).toEqual([
      "src/release/release-state.ts",
    ]);
  });

  test("stack names: only stackName() in src/config/naming.ts builds them; no file spells one out", () => {
    expect(definingFiles(/auth-\$\{[^}]+\}-(bootstrap|security|registry|network|data|app)\b/)).toEqual([]);
    expect(definingFiles(/`\$\{resourcePrefix\(environment\)\}-\$\{layer\}`/)).toEqual(["src/config/naming.ts"]);
    // Reading one back is parseStackName()'s job, beside it.
    expect(definingFiles(/\^auth-/)).toEqual(["src/config/naming.ts"]);
  });

  test("resource names: only src/config/naming.ts joins the service prefix and an environment; src/ and scripts/ call its functions", () => {
    // `auth-${environment}-postgres`, `/auth/${env}/service`, "auth-" + env: each rebuilds a name naming.ts owns.
    const rebuilt = /`[^`\n]*(\bauth-|\/auth\/)\$\{[^`\n]*`|["']auth-["']\s*\+|["']\/auth\/["']\s*\+/;
    const offenders = files
      .filter(({ path }) => path !== "src/config/naming.ts")
      .flatMap(({ path, text }) =>
        text.split("\n").flatMap((line, index) => (rebuilt.test(line) ? [`${path}:${index + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
    // The one home itself still builds them (so the pattern above is the shape naming.ts uses).
    expect(rebuilt.test(files.find(({ path }) => path === "src/config/naming.ts")!.text)).toBe(true);
  });

  test("the instance classes: one table, DB_INSTANCE_CLASSES in src/config/schema/catalogue.ts (validation, max_connections and the alarms read it)", () => {
    expect(definingFiles(/["']db\.[a-z0-9]+\.[a-z0-9]+["']\s*:/)).toEqual(["src/config/schema/catalogue.ts"]);
    expect(definingFiles(/["']cache\.[a-z0-9]+\.[a-z0-9]+["']\s*:/)).toEqual(["src/config/schema/catalogue.ts"]);
  });

  test("the layer list: LAYERS in src/config/naming.ts", () => {
    expect(definingFiles(/["']bootstrap["'],\s*["'](security|registry|network)["']/)).toEqual(["src/config/naming.ts"]);
  });

  test("the image digest pattern: DIGEST_PATTERN in src/config/schema/image-references.ts", () => {
    expect(definingFiles(/sha256:\[0-9a-f\]\{64\}/)).toEqual(["src/config/schema/image-references.ts"]);
  });

  test("the service port: app.port in the config; no source file names a port number for the service", () => {
    expect(definingFiles(/SERVICE_PORT|appPort \?\?|\bport \?\? \d/)).toEqual([]);
  });

  test("target-group alarm names: src/constructs/monitoring/alarm-names.ts; nobody assembles one by hand", () => {
    expect(definingFiles(/\}-(5xx-rate|p99-latency|unhealthy-hosts)\b/)).toEqual([]);
    expect(definingFiles(/TARGET_GROUP_ALARMS = /)).toEqual(["src/constructs/monitoring/alarm-names.ts"]);
  });
});

describe("resources offer the statements others need: a hand-written copy fails here", () => {
  test.each([
    ["the log group's write statement", "logs:PutLogEvents", "src/constructs/monitoring/encrypted-log-group.ts"],
    ["the registry's pull statement", "ecr:GetDownloadUrlForLayer", "src/constructs/compute/container-registry.ts"],
    [
      "the secret's rotation statement",
      "secretsmanager:UpdateSecretVersionStage",
      "src/constructs/data/generated-secret.ts",
    ],
  ])("%s: %s is written only in %s", (_, action, home) => {
    // src/iam/action-map.ts lists what Terraform's provider calls, a different fact: what the CI identities need to apply;
    // src/iam/managed-policy-needs.ts what an AWS managed policy is used for, which the workload boundary lets through.
    const otherFacts = ["src/iam/action-map.ts", "src/iam/managed-policy-needs.ts"];
    expect(definingFiles(new RegExp(action)).filter((path) => !otherFacts.includes(path))).toEqual([home]);
  });

  test("the secret's read statement: every grant of secretsmanager:GetSecretValue is secretReadStatement/secretRotationStatement (denials aside)", () => {
    const grants = files.filter(({ text }) =>
      /actions: \[[^\]]*"secretsmanager:GetSecretValue"/.test(text.replace(/effect: "Deny",[^}]*/g, "")),
    );
    expect(grants.map(({ path }) => path)).toEqual(["src/constructs/data/generated-secret.ts"]);
  });
});
