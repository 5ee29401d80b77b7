import { existsSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { withGeneratedSections } from "../scripts/docs/generated-sections";
import { invocation, SCRIPT_GROUPS } from "../scripts/docs/npm-scripts";
import { generatedFiles, sections } from "../scripts/docs/pages";
import { diagramEnvironment, stackGraphOf } from "../scripts/docs/stack-graph";
import { markdownFiles } from "./support/markdown";
import { buildApp } from "../src/app";
import { deployOrder } from "../src/stacks/shared/deploy-order";
import versions from "../versions.json";
import { LAMBDA_NODE_BUNDLE_TARGET, LAMBDA_NODE_RUNTIME } from "../src/constructs/compute/lambda-runtime";
import { ENVIRONMENTS, LAYERS, SYNTH_DIR, synthEnvironment, synthEveryStack, validConfig } from "./support/synth";
import { ALL_LAYERS, RESTORE_LAYERS, stackName } from "../src/config/naming";

const read = (path: string) => readFileSync(join(__dirname, "..", path), "utf8");

// One app for the deploy order and the stack diagram: every environment, restore stacks included.
const app = buildApp({ restore: { drill: false }, outdir: mkdtempSync(join(tmpdir(), "order-")) });

const files = generatedFiles({
  root: join(__dirname, ".."),
  synthDir: SYNTH_DIR,
  graph: stackGraphOf(app, diagramEnvironment()),
});

describe("generated docs are current (npm run docs)", () => {
  test("help, README's stack diagram and every generated page of docs/reference match their sources", () => {
    const stale = [...files]
      .filter(([file, text]) => !existsSync(join(__dirname, "..", file)) || read(file) !== text)
      .map(([file]) => file);
    expect(stale).toEqual([]);
  });

  test("the pages cover what they promise: every npm script, every stack layer, every alarm, every config field", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    for (const name of scripts)
      expect([name, files.get("help")]).toEqual([name, expect.stringContaining(`${invocation(name)} `)]);
    for (const name of scripts)
      expect([name, files.get("docs/reference/cli.md")]).toEqual([
        name,
        expect.stringContaining(`### ${invocation(name)}\n`),
      ]);
    for (const layer of ALL_LAYERS) expect(files.get("docs/reference/stacks.md")).toContain(`## ${layer}\n`);
    expect(files.get("README.md")).toContain("```mermaid");
    const alarms = ENVIRONMENTS.flatMap((env) =>
      Object.values(synthEveryStack(env)).flatMap((stack) => stack.resourceList("aws_cloudwatch_metric_alarm")),
    );
    expect(alarms.length).toBeGreaterThan(20);
    for (const alarm of alarms) expect(files.get("docs/reference/alarms.md")).toContain(`\`${alarm.alarm_name}\``);
    expect(files.get("docs/reference/config.md")).toContain("| `data.postgres.instanceClass` |");
  });

  test("every npm script has exactly one summary line, and no summary names a script package.json lacks", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts).sort();
    const summarized = SCRIPT_GROUPS.flatMap((group) => Object.keys(group.scripts)).sort();
    expect(summarized).toEqual(scripts);
  });

  test("a changed source makes its page stale: the check is not vacuous", () => {
    const [file, text] = [...files].find(([name]) => name === "docs/reference/config.md")!;
    expect(withGeneratedSections(text, { "config-reference": () => "changed" }, file)).not.toBe(text);
  });

  test("no README, docs or help line runs cdktf through npx (the npm scripts disable checkpoint calls)", () => {
    for (const document of ["README.md", "help", ...markdownFiles("docs")])
      expect([document, read(document)]).toEqual([
        document,
        expect.not.stringMatching(/^\s*(?:\w+=\S+\s+)*npx cdktf /m),
      ]);
  });
});

describe("no hand-written page restates a config value: it links to docs/reference/config.md", () => {
  const sectionHomes = new Set(Object.values(sections(() => [])).map((section) => section.file));
  const wholePages = new Set([...files.keys()].filter((file) => !sectionHomes.has(file)));
  /** Values that name a size (instance classes, node and instance types): the ones docs went stale on. */
  const sizes = (node: unknown, key = ""): string[] =>
    typeof node === "string"
      ? /(instanceClass|nodeType|instanceType)$/.test(key)
        ? [node]
        : []
      : node && typeof node === "object"
        ? Object.entries(node).flatMap(([child, value]) => sizes(value, child))
        : [];
  const values = [...new Set(ENVIRONMENTS.flatMap((env) => sizes(validConfig(env))))];
  const handWritten = ["README.md", ...markdownFiles("docs")].filter((file) => !wholePages.has(file));

  test("the check sees the configs' sizes", () => {
    expect(values.length).toBeGreaterThanOrEqual(3);
  });

  test.each(handWritten)("%s", (file) => {
    const text = read(file).replace(/<!-- generated:([\w-]+) start[\s\S]*?<!-- generated:\1 end -->/g, "");
    expect(
      values.filter((value) => new RegExp(`(^|[^\\w.-])${value.replace(/\./g, "\\.")}($|[^\\w-])`).test(text)),
    ).toEqual([]);
  });
});

describe("pinned versions have one home (versions.json)", () => {
  const pkg = JSON.parse(read("package.json"));

  test("package.json pins cdktf, its CLI and the provider bindings at versions.json's versions", () => {
    expect(pkg.dependencies.cdktf).toBe(versions.cdktf);
    expect(pkg.devDependencies["cdktf-cli"]).toBe(versions.cdktf);
    expect(pkg.dependencies["@cdktf/provider-aws"]).toBe(versions.cdktfProviderAws);
  });

  test("the installed bindings are generated for the pinned AWS provider", () => {
    const bindings = JSON.parse(read("node_modules/@cdktf/provider-aws/package.json"));
    expect(bindings.version).toBe(versions.cdktfProviderAws);
    expect(bindings.cdktf.provider).toEqual({
      name: "registry.terraform.io/hashicorp/aws",
      version: versions.awsProvider,
    });
  });
});

describe("what runs in AWS and GitHub Actions uses the pinned Node.js runtime and Terraform", () => {
  const workflows = readdirSync(join(__dirname, "..", ".github", "workflows")).map((file) =>
    read(`.github/workflows/${file}`),
  );

  test("one Lambda runtime constant, matching versions.json, on every function of every stack", () => {
    expect(LAMBDA_NODE_RUNTIME).toBe(`nodejs${versions.nodeRuntime}.x`);
    expect(LAMBDA_NODE_BUNDLE_TARGET).toBe(`node${versions.nodeRuntime}`);
    const runtimes = ENVIRONMENTS.flatMap((env) =>
      LAYERS.flatMap((layer) =>
        synthEnvironment(env)
          [layer].resourceList("aws_lambda_function")
          .map((fn) => fn.runtime),
      ),
    );
    expect(runtimes.length).toBeGreaterThan(0);
    expect(new Set(runtimes)).toEqual(new Set([LAMBDA_NODE_RUNTIME]));
  });

  test("every workflow's node-version, and the example service's image", () => {
    const nodeVersions = workflows.flatMap((text) =>
      [...text.matchAll(/node-version:\s*"?([\w.]+)"?/g)].map((match) => match[1]),
    );
    expect(nodeVersions.length).toBeGreaterThan(0);
    expect(new Set(nodeVersions)).toEqual(new Set([versions.nodeRuntime]));
    expect(read("examples/auth-service-minimal/Dockerfile")).toMatch(
      new RegExp(`^FROM node:${versions.nodeRuntime}-`, "m"),
    );
  });

  test("every Terraform version a workflow installs, and the provider it mirrors", () => {
    const terraformVersions = workflows.flatMap((text) =>
      [...text.matchAll(/(?:TERRAFORM_VERSION|terraform_version):\s*"?(\d+\.\d+\.\d+)"?/g)].map((match) => match[1]),
    );
    expect(terraformVersions.length).toBeGreaterThan(0);
    expect(new Set(terraformVersions)).toEqual(new Set([versions.terraform]));
    for (const text of workflows)
      for (const match of text.matchAll(/"source":"hashicorp\/aws","version":"([\d.]+)"/g))
        expect(match[1]).toBe(versions.awsProvider);
  });
});

describe("deploy order (npm run stacks)", () => {
  const order = deployOrder(app).map((stack) => stack.node.id);
  const restoreStacks = (env: string) => RESTORE_LAYERS.map((layer) => stackName(env, layer));

  test.each(["staging", "production"])(
    "%s starts with bootstrap and ends with app, or with the restore stacks in restore mode",
    (env) => {
      const own = order.filter((name) => name.startsWith(`auth-${env}-`));
      const primary = own.filter((name) => !restoreStacks(env).includes(name));
      expect(own[0]).toBe(`auth-${env}-bootstrap`);
      expect(primary[primary.length - 1]).toBe(`auth-${env}-app`);
      const restore = validConfig(env as "staging" | "production").dr.pilotLight ? restoreStacks(env) : [];
      expect(own.slice(primary.length)).toEqual(restore);
    },
  );

  test("ALL_LAYERS, which the plan report orders stacks by, is the order the app deploys them in", () => {
    for (const env of ["staging", "production"]) {
      const own = order.filter((name) => name.startsWith(`auth-${env}-`));
      const stated = ALL_LAYERS.map((layer) => stackName(env, layer)).filter((name) => own.includes(name));
      expect(stated).toEqual(own);
    }
    // Restore stacks exist only in restore mode, after everything they restore from.
    expect(ALL_LAYERS.slice(-RESTORE_LAYERS.length)).toEqual(RESTORE_LAYERS);
  });

  test("every stack comes after every stack it reads from", () => {
    for (const stack of deployOrder(app)) {
      for (const dependency of stack.dependencies)
        expect(order.indexOf(dependency.node.id)).toBeLessThan(order.indexOf(stack.node.id));
    }
  });
});
