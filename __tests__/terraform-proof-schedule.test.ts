import { parallelismFrom, runInOrder, runInOrderShared, synthesesFor } from "../scripts/terraform-proof/schedule";

/** Jobs that finish in another order than they start: a later one is quicker. */
const JOBS = [
  { name: "auth-staging-network", ms: 30, ok: true },
  { name: "auth-staging-data", ms: 5, ok: false },
  { name: "auth-staging-app", ms: 20, ok: true },
  { name: "auth-staging-app@hcl", ms: 1, ok: true },
  { name: "auth-staging-app@first-deploy", ms: 10, ok: true },
];
const prove = async (job: (typeof JOBS)[number]) => {
  await new Promise((resolve) => setTimeout(resolve, job.ms));
  return `${job.ok ? "ok  " : "FAIL"}  ${job.name}`;
};

describe("the proof's scheduler: stacks at once, results in stack order", () => {
  test("serial and parallel runs give the same verdicts for the same stacks, in the same order", async () => {
    const serial = await runInOrder(JOBS, 1, prove);
    for (const parallelism of [2, 3, JOBS.length, 50])
      expect(await runInOrder(JOBS, parallelism, prove)).toEqual(serial);
    expect(serial).toEqual(JOBS.map((job) => `${job.ok ? "ok  " : "FAIL"}  ${job.name}`));
  });

  test("each result is printed once, in stack order, however the runs interleave", async () => {
    const printed: string[] = [];
    await runInOrder(JOBS, 3, prove, (line, index) => printed.push(`${index} ${line}`));
    expect(printed).toEqual(JOBS.map((job, index) => `${index} ${job.ok ? "ok  " : "FAIL"}  ${job.name}`));
  });

  test("no more jobs run at once than asked", async () => {
    let running = 0;
    let most = 0;
    await runInOrder(JOBS, 2, async (job) => {
      most = Math.max(most, ++running);
      await prove(job);
      running--;
    });
    expect(most).toBe(2);
  });

  test("parallelism: one per core by default, PROOF_PARALLELISM when set, a bad value refused", () => {
    expect(parallelismFrom(undefined, 2)).toBe(2);
    expect(parallelismFrom("", 8)).toBe(8);
    expect(parallelismFrom("3", 2)).toBe(3);
    for (const bad of ["0", "-1", "1.5", "two"])
      expect(() => parallelismFrom(bad, 2)).toThrow(/PROOF_PARALLELISM must be a whole number from 1/);
  });
});

describe("named stacks synthesize only what they need", () => {
  test("a full run synthesizes every variant", () => {
    const all = synthesesFor([]);
    expect(all.environment).toBeUndefined();
    expect(all).toMatchObject({ restore: true, cutover: true, pointInTime: true, hcl: true, terraformCloud: true });
    expect(all.layout("organization-member")).toBe(true);
  });

  test("plain stacks of one environment: that environment's plain synthesis, nothing else", () => {
    const one = synthesesFor(["auth-dev-bootstrap", "auth-dev-app"]);
    expect(one).toMatchObject({
      environment: "dev",
      restore: false,
      cutover: false,
      pointInTime: false,
      hcl: false,
      terraformCloud: false,
    });
    expect(one.layout("organization-member")).toBe(false);
  });

  test("each variant its own synthesis; several environments, a layout or Terraform Cloud synthesize every environment", () => {
    expect(synthesesFor(["auth-staging-data", "auth-production-data"]).environment).toBeUndefined();
    expect(synthesesFor(["auth-production-dr-data"])).toMatchObject({ environment: "production", restore: true });
    expect(synthesesFor(["auth-production-dr-app@cutover"])).toMatchObject({ cutover: true, restore: false });
    expect(synthesesFor(["auth-production-dr-data@point-in-time"])).toMatchObject({ pointInTime: true });
    expect(synthesesFor(["auth-staging-data@hcl"])).toMatchObject({ environment: "staging", hcl: true });
    expect(synthesesFor(["auth-staging-app@first-deploy"])).toMatchObject({ environment: "staging", hcl: false });
    expect(synthesesFor(["auth-staging-data@terraform-cloud"])).toMatchObject({
      environment: undefined,
      terraformCloud: true,
    });
    const layout = synthesesFor(["auth-production-security@organization-member"]);
    expect(layout.environment).toBeUndefined();
    expect(layout.layout("organization-member")).toBe(true);
    expect(layout.layout("shared-account")).toBe(false);
  });
});

describe("the proof's scheduler: variants with the same Terraform input share one run", () => {
  /** Layout variants: two with the plain stack's bytes, one that differs. */
  const VARIANTS = [
    { name: "auth-production-network", key: "a", ms: 20 },
    { name: "auth-production-security", key: "b", ms: 5 },
    { name: "auth-production-network@shared-account", key: "c", ms: 1 },
    { name: "auth-production-network@organization-member", key: "a", ms: 1 },
    { name: "auth-production-security@shared-account", key: "b", ms: 1 },
  ];
  type Variant = (typeof VARIANTS)[number];
  const shared = (parallelism: number, ran: string[] = [], printed: string[] = []) =>
    runInOrderShared(
      VARIANTS,
      (variant) => variant.key,
      parallelism,
      async (variant: Variant) => {
        ran.push(variant.name);
        await new Promise((resolve) => setTimeout(resolve, variant.ms));
        return `plan of ${variant.key}`;
      },
      (variant, outcome, first) =>
        `${variant.name}: ${outcome}${first === variant ? "" : ` (shared with ${first.name})`}`,
      (line, index) => printed.push(`${index} ${line}`),
    );

  test("runs each distinct input once, and gives every variant its own verdict in variant order", async () => {
    const ran: string[] = [];
    const printed: string[] = [];
    const results = await shared(2, ran, printed);
    expect(ran.sort()).toEqual([
      "auth-production-network",
      "auth-production-network@shared-account",
      "auth-production-security",
    ]);
    expect(results).toEqual([
      "auth-production-network: plan of a",
      "auth-production-security: plan of b",
      "auth-production-network@shared-account: plan of c",
      "auth-production-network@organization-member: plan of a (shared with auth-production-network)",
      "auth-production-security@shared-account: plan of b (shared with auth-production-security)",
    ]);
    expect(printed).toEqual(results.map((line, index) => `${index} ${line}`));
  });

  test("serial and parallel give the same results", async () => {
    const serial = await shared(1);
    for (const parallelism of [2, 3, 50]) expect(await shared(parallelism)).toEqual(serial);
  });
});
