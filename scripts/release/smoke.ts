import type { SmokeTest } from "./ports";

export interface SmokeCheck {
  /** Path under the test listener, e.g. /health. */
  readonly path: string;
  /** Status the path must answer with. */
  readonly status: number;
}

/** Parses "--check /path=200" values; the status defaults to 200. */
export function parseCheck(text: string): SmokeCheck {
  const [path, status = "200"] = text.split("=");
  if (!path.startsWith("/") || !/^\d{3}$/.test(status))
    throw new Error(`bad check "${text}": expected /path or /path=STATUS`);
  return { path, status: Number(status) };
}

/**
 * Smoke test over HTTP(S) against the test listener (which always reaches the idle colour).
 * Each check gets a few attempts, since the listener may still be settling.
 */
export function httpSmokeTest(
  baseUrl: string,
  checks: SmokeCheck[],
  options: { attempts?: number; timeoutMs?: number; pauseMs?: number } = {},
): SmokeTest {
  const attempts = options.attempts ?? 3;
  return {
    async run(signal: AbortSignal) {
      for (const check of checks) {
        let problem = "";
        for (let attempt = 1; attempt <= attempts; attempt++) {
          try {
            const response = await fetch(new URL(check.path, baseUrl), {
              signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs ?? 5000)]),
              redirect: "manual",
            });
            await response.arrayBuffer();
            if (response.status === check.status) {
              problem = "";
              break;
            }
            problem = `${check.path} answered ${response.status}, expected ${check.status}`;
          } catch (error) {
            if (signal.aborted) throw error;
            problem = `${check.path}: ${(error as Error).message}`;
          }
          if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 2000));
        }
        if (problem) throw new Error(problem);
      }
    },
  };
}
