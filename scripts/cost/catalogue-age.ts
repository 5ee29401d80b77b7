/**
 * npm run cost:catalogue-age: warns when the price catalogue is older than 6 months. Exit 0 either
 * way (a warning, not a failure), 2 on bad usage. The clock is a parameter, so tests can move it.
 */
import { catalogueDate } from "../../src/cost/catalogue";
import { EXIT, main, parseCommandLine, Tool } from "../cli/command-line";

/** Months after which the catalogue's prices are called stale. */
export const MAX_AGE_MONTHS = 6;

export interface AgeVerdict {
  readonly stale: boolean;
  readonly message: string;
}

/** Whether prices read on `readOn` (ISO date) are stale at `now`. */
export function catalogueAge(readOn: string, now: Date): AgeVerdict {
  const limit = new Date(`${readOn}T00:00:00Z`);
  limit.setUTCMonth(limit.getUTCMonth() + MAX_AGE_MONTHS);
  const days = Math.floor((now.getTime() - Date.parse(`${readOn}T00:00:00Z`)) / 86_400_000);
  return now >= limit
    ? {
        stale: true,
        message: `warning: the price catalogue is ${days} days old (read ${readOn}, more than ${MAX_AGE_MONTHS} months): re-read the prices in src/cost/catalogue.ts from their sources`,
      }
    : {
        stale: false,
        message: `the price catalogue was read ${readOn} (${days} days ago); it is called stale after ${MAX_AGE_MONTHS} months`,
      };
}

export function catalogueAgeTool(clock: () => Date = () => new Date()): Tool {
  return {
    name: "cost:catalogue-age",
    usage:
      "usage: npm run cost:catalogue-age\n  Warns when src/cost/catalogue.ts is older than 6 months. Exit 0 (a warning is printed to stderr), 2 on bad usage.",
    run: (argv) => {
      parseCommandLine(argv, {});
      const verdict = catalogueAge(catalogueDate(), clock());
      (verdict.stale ? console.error : console.log)(verdict.message);
      return EXIT.ok;
    },
  };
}

if (require.main === module) main(catalogueAgeTool());
