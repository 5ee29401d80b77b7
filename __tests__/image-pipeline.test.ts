import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { createServer } from "http";
import { join } from "path";
import { parse } from "yaml";
import { ENVIRONMENTS, validConfig } from "./support/synth";

const EXAMPLE = join(__dirname, "..", "examples", "auth-service-minimal");
const pipeline = parse(readFileSync(join(__dirname, "..", ".github", "workflows", "image-pipeline.yml"), "utf8"));
const job = pipeline.jobs.image;
const dockerfile = readFileSync(join(EXAMPLE, "Dockerfile"), "utf8");
/** Dockerfile instructions as [INSTRUCTION, arguments], comments and blank lines left out. */
const instructions = dockerfile
  .split("\n")
  .filter((line) => line.trim() && !line.trim().startsWith("#"))
  .map((line) => [line.split(" ")[0], line.slice(line.indexOf(" ") + 1)] as const);
const runIndex = (pattern: RegExp) => job.steps.findIndex((step: any) => pattern.test(step.run ?? ""));

describe("image pipeline (a reusable workflow the application repository calls)", () => {
  test("is workflow_call with the inputs an application needs, and outputs the digest", () => {
    expect(Object.keys(pipeline.on)).toEqual(["workflow_call"]);
    expect(pipeline.on.workflow_call.inputs["push-role-arn"]).toMatchObject({ required: true });
    expect(pipeline.on.workflow_call.secrets["dispatch-token"]).toMatchObject({ required: true });
    expect(pipeline.on.workflow_call.outputs.digest.value).toBe("${{ jobs.image.outputs.digest }}");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("unit tests, then docker build, then push by digest, then the scan, then the release dispatch with that digest", () => {
    const order = [
      /npm test/,
      /docker build/,
      /docker push/,
      /aws ecr wait image-scan-complete/,
      /gh workflow run release\.yml/,
    ].map(runIndex);
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const push = job.steps[order[2]];
    expect(push.id).toBe("push");
    expect(push.run).toContain('echo "digest=$digest" >> "$GITHUB_OUTPUT"');
    expect(push.run).toMatch(/\^sha256:\[0-9a-f\]\{64\}\$/);
    expect(job.steps[order[4]].run).toContain('-f digest="$DIGEST"');
    expect(job.steps[order[4]].env.DIGEST).toBe("${{ steps.push.outputs.digest }}");
  });

  test("builds with Node 22 and in the caller's context directory", () => {
    expect(job.steps.find((step: any) => step.uses?.startsWith("actions/setup-node")).with["node-version"]).toBe(22);
    expect(job.defaults.run["working-directory"]).toBe("${{ inputs.context }}");
  });
});

describe("the example service under examples/ (what the pipeline builds)", () => {
  test("Dockerfile: Node 22 LTS, production dependencies only, a non-root user, the port every environment's app.port names, a health check on /health", () => {
    const [port] = [...new Set(ENVIRONMENTS.map((env) => validConfig(env).app.port))];
    expect(instructions[0]).toEqual(["FROM", "node:22-alpine"]);
    expect(instructions).toContainEqual(["RUN", "npm ci --omit=dev"]);
    expect(instructions).toContainEqual(["USER", "node"]);
    expect(instructions).toContainEqual(["EXPOSE", String(port)]);
    expect(instructions.find(([name]) => name === "HEALTHCHECK")![1]).toContain(`http://127.0.0.1:${port}/health`);
    expect(instructions.at(-1)).toEqual(["CMD", '["node", "server.js"]']);
    // Every instruction is one Docker knows.
    for (const [name] of instructions)
      expect(["FROM", "ENV", "WORKDIR", "COPY", "RUN", "USER", "EXPOSE", "HEALTHCHECK", "CMD"]).toContain(name);
  });

  test("its unit tests are what the pipeline's first step (npm test) runs; they run in __tests__/integration/example-service.test.ts", () => {
    const { scripts } = JSON.parse(readFileSync(join(EXAMPLE, "package.json"), "utf8"));
    expect(scripts.test).toBe("node --test");
  });

  test("it answers /health with 200 on a real loopback server", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the example app is plain CommonJS, loaded by path.
    const { createServer: serviceServer } = require(join(EXAMPLE, "server.js")) as {
      createServer: typeof createServer;
    };
    const server = serviceServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as any).port}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    } finally {
      server.close();
    }
  });

  test("docker build succeeds where a Docker engine exists (skipped with the reason where none does)", () => {
    const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    if (engine.status !== 0) {
      console.log(
        `docker build of examples/auth-service-minimal SKIPPED: no Docker engine here (${(engine.error?.message ?? engine.stderr).trim().split("\n")[0]})`,
      );
      return;
    }
    const build = spawnSync("docker", ["build", "--tag", "auth-service-minimal:test", EXAMPLE], {
      encoding: "utf8",
      timeout: 600_000,
    });
    expect(build.status).toBe(0);
  }, 620_000);
});
