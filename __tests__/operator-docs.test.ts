import { mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { withGeneratedSections } from "../scripts/docs/generated-sections";
import { buildApp } from "../src/app";
import { deployOrder } from "../src/stacks/deploy-order";
import versions from "../versions.json";
import { LAMBDA_NODE_BUNDLE_TARGET, LAMBDA_NODE_RUNTIME } from "../src/constructs/compute/lambda-runtime";
import { ENVIRONMENTS, LAYERS, synthEnvironment } from "./support/synth";
import { ALL_LAYERS, RESTORE_LAYERS, stackName } from "../src/stacks/naming";

const read = (path: string) => readFileSync(join(__dirname, "..", path), "utf8");

describe("README says what is true", () => {
  test("its generated sections (config reference, versions, test catalog) are current: npm run docs", () => {
    const readme = read("README.md");
    expect(withGeneratedSections(readme)).toBe(readme);
  });

  test("every npm script is in help", () => {
    const help = read("help");
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    const missing = scripts.filter((name) => !(name === "test" ? help.includes("npm test") : help.includes(`npm run ${name}`)));
    expect(missing).toEqual([]);
  });

  test("no README or help line runs cdktf through npx (the npm scripts disable checkpoint calls)", () => {
    for (const document of ["README.md", "help"]) expect(read(document)).not.toMatch(/^\s*(?:\w+=\S+\s+)*npx cdktf /m);
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
    expect(bindings.cdktf.provider).toEqual({ name: "registry.terraform.io/hashicorp/aws", version: versions.awsProvider });
  });
});

describe("what runs in AWS and GitHub Actions uses the pinned Node.js runtime and Terraform", () => {
  const workflows = readdirSync(join(__dirname, "..", ".github", "workflows")).map((file) => read(`.github/workflows/${file}`));

  test("one Lambda runtime constant, matching versions.json, on every function of every stack", () => {
    expect(LAMBDA_NODE_RUNTIME).toBe(`nodejs${versions.nodeRuntime}.x`);
    expect(LAMBDA_NODE_BUNDLE_TARGET).toBe(`node${versions.nodeRuntime}`);
    const runtimes = ENVIRONMENTS.flatMap((env) => LAYERS.flatMap((layer) => synthEnvironment(env)[layer].resourceList("aws_lambda_function").map((fn) => fn.runtime)));
    expect(runtimes.length).toBeGreaterThan(0);
    expect(new Set(runtimes)).toEqual(new Set([LAMBDA_NODE_RUNTIME]));
  });

  test("every workflow's node-version, and the example service's image", () => {
    const nodeVersions = workflows.flatMap((text) => [...text.matchAll(/node-version:\s*"?([\w.]+)"?/g)].map((match) => match[1]));
    expect(nodeVersions.length).toBeGreaterThan(0);
    expect(new Set(nodeVersions)).toEqual(new Set([versions.nodeRuntime]));
    expect(read("examples/auth-service-minimal/Dockerfile")).toMatch(new RegExp(`^FROM node:${versions.nodeRuntime}-`, "m"));
  });

  test("every Terraform version a workflow installs, and the provider it mirrors", () => {
    const terraformVersions = workflows.flatMap((text) => [...text.matchAll(/(?:TERRAFORM_VERSION|terraform_version):\s*"?(\d+\.\d+\.\d+)"?/g)].map((match) => match[1]));
    expect(terraformVersions.length).toBeGreaterThan(0);
    expect(new Set(terraformVersions)).toEqual(new Set([versions.terraform]));
    for (const text of workflows) for (const match of text.matchAll(/"source":"hashicorp\/aws","version":"([\d.]+)"/g)) expect(match[1]).toBe(versions.awsProvider);
  });
});

describe("deploy order (npm run stacks)", () => {
  const app = buildApp({ outdir: mkdtempSync(join(tmpdir(), "order-")) });
  const order = deployOrder(app).map((stack) => stack.node.id);

  test.each(["staging", "production"])("%s starts with bootstrap and ends with app", (env) => {
    const own = order.filter((name) => name.startsWith(`auth-${env}-`));
    expect(own[0]).toBe(`auth-${env}-bootstrap`);
    expect(own[own.length - 1]).toBe(`auth-${env}-app`);
  });

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
      for (const dependency of stack.dependencies) expect(order.indexOf(dependency.node.id)).toBeLessThan(order.indexOf(stack.node.id));
    }
  });
});
