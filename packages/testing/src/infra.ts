import { describe, it } from "vitest";

/** Environment variables that point tests at real infrastructure instead of the embedded adapters. */
export type InfraVariable = "DATABASE_URL" | "NATS_URL" | "REDIS_URL";

const examples: Readonly<Record<InfraVariable, string>> = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
  NATS_URL: "nats://127.0.0.1:4222",
  REDIS_URL: "redis://127.0.0.1:6379",
};

/** True when `CI` is "true" or "1" (any case): CI must run every real-adapter suite, never skip one. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value === "true" || value === "1";
}

/** The URL of a real service from the environment, undefined when unset; throws naming the variable when unset under CI. */
export function requireInfraUrl(
  name: InfraVariable,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const value = env[name]?.trim();
  if (value) return value;
  if (isCi(env)) {
    throw new Error(
      `${name} is not set but CI=true: CI must run the real-adapter tests, so set ${name} (e.g. ${name}=${examples[name]})`,
    );
  }
  return undefined;
}

/**
 * A vitest `describe` that needs real infrastructure: runs `fn(url)` when `name` is set, registers one
 * failing test naming the variable when it is missing under CI, and otherwise skips with the reason printed.
 */
export function describeWithInfra(name: InfraVariable, label: string, fn: (url: string) => void): void {
  let url: string | undefined;
  try {
    url = requireInfraUrl(name);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    describe(label, () => {
      it(`needs ${name}`, () => {
        throw failure;
      });
    });
    return;
  }
  if (url === undefined) {
    const reason = `${name} is not set; set it (e.g. ${name}=${examples[name]}) to run against the real service`;
    console.info(`[skipped] ${label}: ${reason}`);
    describe.skip(`${label} (skipped: ${name} is not set)`, () => {
      it(`runs against ${name}`, () => undefined);
    });
    return;
  }
  const resolved = url;
  describe(label, () => fn(resolved));
}

/**
 * A vitest `describe` that needs something on the machine (a browser, a command-line tool):
 * runs `fn` when `available`, registers one failing test with `reason` under CI (which must run
 * it), and otherwise skips with the reason printed.
 */
export function describeWhenAvailable(
  available: boolean,
  label: string,
  reason: string,
  fn: () => void,
): void {
  if (available) {
    describe(label, fn);
    return;
  }
  if (isCi()) {
    describe(label, () => {
      it("needs what it tests with", () => {
        throw new Error(`${reason}; CI must run ${label}`);
      });
    });
    return;
  }
  console.info(`[skipped] ${label}: ${reason}`);
  describe.skip(`${label} (skipped: ${reason})`, fn);
}
