/**
 * Page cursors are opaque to clients: a list's position (a few JSON values) as base64url text.
 * Each list checks the parts it decodes and answers InvalidArgument on `cursor` when they do not fit.
 */

/** Packs a page position into an opaque URL-safe cursor. */
export function encodeOpaqueCursor(parts: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** The parts packed by encodeOpaqueCursor, or undefined when `value` is not such a cursor. */
export function decodeOpaqueCursor(value: string): unknown[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) ? parsed : undefined;
}
