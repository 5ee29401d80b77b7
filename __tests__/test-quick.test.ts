import { SYNTHESIS_SUPPORT, relatedInputs } from "../scripts/quick/related";

describe("npm run test:quick: which unit tests a change runs", () => {
  test("a changed test or script is handed to jest as it is", () => {
    expect(relatedInputs(["scripts/plan-report/report.ts", "__tests__/release.test.ts"])).toEqual([
      "scripts/plan-report/report.ts",
      "__tests__/release.test.ts",
    ]);
  });

  test("a change to what the synthesis reads also runs every test that reads the synthesized app", () => {
    for (const changed of [
      "src/constructs/data/postgres-database.ts",
      "main.ts",
      "lambda/secret-rotation/index.ts",
      "versions.json",
    ]) {
      expect(relatedInputs([changed])).toContain(SYNTHESIS_SUPPORT);
    }
    expect(relatedInputs(["src/app.ts", SYNTHESIS_SUPPORT])).toEqual(["src/app.ts", SYNTHESIS_SUPPORT]);
  });

  test("documentation alone runs no unit test", () => {
    expect(relatedInputs(["README.md", "docs/how-to/fast-feedback.md"])).toEqual([]);
  });
});
