import { spawnSync } from "child_process";
import { join } from "path";

const EXAMPLE = join(__dirname, "..", "..", "examples", "auth-service-minimal");

describe("the example service under examples/ (what the image pipeline builds)", () => {
  test("its unit tests pass, as the pipeline's first step (npm test) runs them", () => {
    // The script itself (`node --test`, checked in image-pipeline.test.ts), without npm's own start-up.
    const result = spawnSync(process.execPath, ["--test"], { cwd: EXAMPLE, encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(0);
  }, 60_000);
});
