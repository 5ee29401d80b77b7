/** Which files `npm run test:quick` hands jest's --findRelatedTests. */

/** Sources whose effect reaches the tests only through the synthesized JSON. */
const SYNTHESIZED =
  /^(src\/|main\.ts$|lambda\/|templates\/|versions\.json$|scripts\/build\.mjs$|scripts\/bundle-loader\.cjs$)/;

/** The test support every test that reads the synthesized app imports. */
export const SYNTHESIS_SUPPORT = "__tests__/support/synth.ts";

/**
 * The changed files jest can follow, plus the synthesis support when something the synthesis reads
 * changed: jest sees no import from a test that reads .jest-synth/ to the source that wrote it.
 */
export function relatedInputs(changed: readonly string[]): string[] {
  const inputs = changed.filter((path) => /\.(ts|js|mjs|cjs|json)$/.test(path));
  return changed.some((path) => SYNTHESIZED.test(path)) ? [...new Set([...inputs, SYNTHESIS_SUPPORT])] : inputs;
}
