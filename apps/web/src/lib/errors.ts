import type { CombinedError } from "urql";

/** A refusal from the API, split into what names a field and what does not. */
export interface ApiProblem {
  /** Message per field name (the last segment of the path the gateway names, e.g. `input.name` → `name`). */
  fields: Record<string, string>;
  /** Messages that name no field, or name one the form does not show. */
  general: string[];
  code?: string;
}

interface Detail {
  field?: string;
  message?: string;
}

/**
 * Reads a GraphQL error's `extensions.details` ({ field, message }) so forms can show each message
 * next to its field; `known` lists the fields the form shows, the rest goes to `general`.
 */
export function apiProblem(
  error: CombinedError | undefined,
  known: readonly string[] = [],
): ApiProblem | undefined {
  if (!error) return undefined;
  const fields: Record<string, string> = {};
  const general: string[] = [];
  let code: string | undefined;
  if (error.networkError) general.push(error.networkError.message);
  for (const e of error.graphQLErrors) {
    code ??= typeof e.extensions?.code === "string" ? e.extensions.code : undefined;
    const details = Array.isArray(e.extensions?.details) ? (e.extensions.details as Detail[]) : [];
    let placed = false;
    for (const d of details) {
      const name = fieldName(d.field ?? "", known);
      if (name && d.message && !fields[name]) {
        fields[name] = d.message;
        placed = true;
      }
    }
    // Without details, a message of the form "slug: …" names its field too.
    const named = details.length === 0 ? /^([A-Za-z_.]+): (.+)$/.exec(e.message) : null;
    const field = named ? fieldName(camelCase(named[1] ?? ""), known) : undefined;
    if (field && named?.[2] && !fields[field]) {
      fields[field] = named[2];
      placed = true;
    }
    if (!placed) general.push(e.message);
  }
  return { fields, general, ...(code ? { code } : {}) };
}

/** `new_password` → `newPassword`, as the gateway names fields. */
function camelCase(path: string): string {
  return path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The known field a path names: `input.variants.0.sku` → `variants.0.sku` or `sku`, whichever the form knows. */
function fieldName(path: string, known: readonly string[]): string | undefined {
  const parts = path.split(".").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join(".");
    if (known.includes(candidate)) return candidate;
  }
  return undefined;
}
