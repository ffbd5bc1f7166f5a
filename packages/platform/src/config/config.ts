import { z } from "zod";

/** Raised when the environment does not satisfy a config schema; the message is one line naming each variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

// Variables whose values never appear in an error, which ends up in logs: only their length does.
const secretName = /(PASSWORD|SECRET|TOKEN|KEY)$/;

/** What an error says a variable held: the value, a URL's password masked, or a secret's length only. */
function got(name: string, value: string | undefined): string {
  if (value === undefined) return "missing";
  if (secretName.test(name)) return `got ${value.length} characters`;
  try {
    const parsed = new URL(value);
    if (parsed.password) {
      parsed.password = "***";
      return `got ${JSON.stringify(parsed.toString())}`;
    }
  } catch {}
  return `got ${JSON.stringify(value)}`;
}

/**
 * Parses an environment (default `process.env`) with a zod object schema whose keys are variable names.
 * Throws ConfigError with one line such as `invalid configuration: PORT must be a number (got "abc")`;
 * the values of secrets (names ending in PASSWORD, SECRET, TOKEN or KEY) and URL passwords are not repeated.
 */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const parts = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "(environment)";
    return `${name} ${issue.message} (${got(name, env[name])})`;
  });
  throw new ConfigError(`invalid configuration: ${parts.join("; ")}`);
}

/** A TCP port from an env string, with a default. */
export const port = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be an integer" })
    .min(0, { error: "must be between 0 and 65535" })
    .max(65535, { error: "must be between 0 and 65535" })
    .default(fallback);

/**
 * Each named service's port from `<NAME>_PORT` (the service's own default when unset), checked
 * as `port` checks one, so a bad value stops start naming its variable.
 */
export function servicePorts(
  services: readonly { name: string; defaultPort: number }[],
  env: Record<string, string | undefined> = process.env,
): Record<string, number> {
  const variable = (name: string) => `${name.toUpperCase()}_PORT`;
  const schema = z.object(Object.fromEntries(services.map((s) => [variable(s.name), port(s.defaultPort)])));
  const parsed = parseConfig(schema, env) as Record<string, number>;
  return Object.fromEntries(services.map((s) => [s.name, parsed[variable(s.name)] ?? s.defaultPort]));
}

/** A URL from an env string whose scheme is one of `protocols` (e.g. `["postgres:", "postgresql:"]`). */
export const url = (protocols: readonly string[]) =>
  z.string({ error: "is required" }).refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
  );

/**
 * One URL or several, comma-separated (the servers of a cluster, the replicas of a service), each
 * with one of `protocols`; the value stays the string as given.
 */
export const urls = (protocols: readonly string[]) =>
  z.string({ error: "is required" }).refine(
    (value) =>
      value.split(",").every((one) => {
        try {
          return protocols.includes(new URL(one.trim()).protocol);
        } catch {
          return false;
        }
      }),
    {
      error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}, or several separated by commas`,
    },
  );

/** A positive integer duration in milliseconds from an env string, with a default. */
export const durationMs = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int({ error: "must be an integer" })
    .positive({ error: "must be positive" })
    .default(fallback);

/** A boolean from `true/false/1/0/yes/no`, with a default. */
export const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1" || value === "yes")
    .prefault(fallback ? "true" : "false");

/** Log level names understood by the logger. */
export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    error: "must be one of fatal, error, warn, info, debug, trace, silent",
  })
  .default("info");
