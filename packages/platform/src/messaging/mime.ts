import { addressOf } from "./checks.js";

/** A MIME message read back: unfolded, decoded headers and its first text/plain and text/html parts. */
export interface ParsedMail {
  /** Header values by lower-case name (first occurrence), unfolded, encoded words decoded. */
  headers: ReadonlyMap<string, string>;
  messageId: string | undefined;
  from: string;
  to: string;
  subject: string;
  date: Date | undefined;
  /** The text/plain part with line breaks as `\n`; "" when there is none. */
  text: string;
  html: string | undefined;
}

interface Entity {
  /** Raw header values by lower-case name, unfolded, still one character per byte. */
  headers: Map<string, string>;
  /** Raw body, one character per byte. */
  body: string;
}

/**
 * Parses the simple MIME that nodemailer writes (single part or nested multipart; 7bit, 8bit, quoted-printable
 * or base64; RFC 2047 headers). A trailing line break of a single-part text cannot be told from MIME's own
 * closing line break and is dropped.
 */
export function parseMail(raw: Uint8Array | string): ParsedMail {
  // Latin-1 keeps one character per byte, so charsets are decoded only once the transfer encoding is undone.
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : Buffer.from(raw);
  const root = parseEntity(bytes.toString("latin1"));
  const headers = new Map([...root.headers].map(([name, value]) => [name, decodeHeader(value)]));
  const parts = { text: undefined as string | undefined, html: undefined as string | undefined };
  collectTextParts(root, parts, true);
  const date = headers.has("date") ? new Date(headers.get("date") ?? "") : undefined;
  return {
    headers,
    messageId: headers.get("message-id"),
    from: headers.get("from") ?? "",
    to: headers.get("to") ?? "",
    subject: headers.get("subject") ?? "",
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    text: parts.text ?? "",
    html: parts.html,
  };
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=`) in a header value; raw 8-bit text is read as UTF-8. */
export function decodeHeader(value: string): string {
  const text = Buffer.from(value, "latin1").toString("utf8");
  const encodedWord = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  let result = "";
  let last = 0;
  // Bytes of adjacent encoded words in one charset are joined first: a character may be split across words.
  let pending: { charset: string; chunks: Buffer[] } | undefined;
  const flush = () => {
    if (pending) result += decodeCharset(Buffer.concat(pending.chunks), pending.charset);
    pending = undefined;
  };
  for (let match = encodedWord.exec(text); match !== null; match = encodedWord.exec(text)) {
    const [word, label = "", encoding = "", payload = ""] = match;
    const gap = text.slice(last, match.index);
    // Whitespace between two encoded words is folding, not content (RFC 2047 section 6.2).
    if (!(pending && /^\s*$/.test(gap))) {
      flush();
      result += gap;
    }
    const charset = label.replace(/\*.*$/, "").toLowerCase();
    const chunk = encoding.toUpperCase() === "B" ? Buffer.from(payload, "base64") : decodeQEncoding(payload);
    if (pending && pending.charset !== charset) flush();
    pending ??= { charset, chunks: [] };
    pending.chunks.push(chunk);
    last = match.index + word.length;
  }
  flush();
  return result + text.slice(last);
}

function parseEntity(raw: string): Entity {
  const separator = /\r?\n\r?\n/.exec(raw);
  const head = separator ? raw.slice(0, separator.index) : raw;
  const body = separator ? raw.slice(separator.index + separator[0].length) : "";
  const headers = new Map<string, string>();
  let current: { name: string; value: string } | undefined;
  const store = () => {
    if (current && !headers.has(current.name)) headers.set(current.name, current.value.trim());
  };
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      current.value += line;
      continue;
    }
    store();
    const colon = line.indexOf(":");
    current =
      colon > 0
        ? { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) }
        : undefined;
  }
  store();
  return { headers, body };
}

function collectTextParts(
  entity: Entity,
  found: { text: string | undefined; html: string | undefined },
  root: boolean,
) {
  const { type, params } = parseParameterized(entity.headers.get("content-type") ?? "text/plain");
  const disposition = parseParameterized(entity.headers.get("content-disposition") ?? "inline").type;
  if (type.startsWith("multipart/") && params.boundary) {
    for (const part of splitMultipart(entity.body, params.boundary))
      collectTextParts(parseEntity(part), found, false);
    return;
  }
  if (disposition === "attachment" || (type !== "text/plain" && type !== "text/html")) return;
  const key = type === "text/plain" ? "text" : "html";
  if (found[key] !== undefined) return;
  const encoding = (entity.headers.get("content-transfer-encoding") ?? "7bit").trim().toLowerCase();
  let body = entity.body;
  // A single-part body ends with MIME's closing line break; in a multipart it belongs to the delimiter.
  if (root && encoding !== "base64") body = body.replace(/\r?\n$/, "");
  found[key] = decodeCharset(decodeTransfer(body, encoding), params.charset ?? "utf-8").replace(
    /\r\n/g,
    "\n",
  );
}

function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join("\n"));
      if (trimmed !== delimiter) return parts;
      current = [];
    } else {
      current?.push(line);
    }
  }
  if (current) parts.push(current.join("\n"));
  return parts;
}

/** `type/subtype; name=value; name="quoted value"` with the type lower-cased and parameter names lower-cased. */
function parseParameterized(value: string): { type: string; params: Record<string, string> } {
  const [type = "", ...rest] = splitOutsideQuotes(value, ";");
  const params: Record<string, string> = {};
  for (const item of rest) {
    const equals = item.indexOf("=");
    if (equals < 0) continue;
    let paramValue = item.slice(equals + 1).trim();
    if (paramValue.startsWith('"') && paramValue.endsWith('"') && paramValue.length >= 2) {
      paramValue = paramValue.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    params[item.slice(0, equals).trim().toLowerCase()] = paramValue;
  }
  return { type: type.trim().toLowerCase(), params };
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const items: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value.charAt(index);
    if (char === "\\" && quoted) {
      current += char + value.charAt(index + 1);
      index++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      items.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  items.push(current);
  return items;
}

function decodeTransfer(body: string, encoding: string): Buffer {
  if (encoding === "base64") return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (encoding === "quoted-printable") {
    const unwrapped = body.replace(/[ \t]+(?=\r?\n)/g, "").replace(/=\r?\n/g, "");
    return Buffer.from(
      unwrapped.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      ),
      "latin1",
    );
  }
  return Buffer.from(body, "latin1");
}

function decodeQEncoding(payload: string): Buffer {
  const text = payload
    .replace(/_/g, " ")
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(text, "latin1");
}

function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 is the most likely truth and never throws.
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** True when the header value `value` names the address `address` (case-insensitive, display name ignored). */
export function isAddressed(value: string, address: string): boolean {
  return addressOf(value).toLowerCase() === address.trim().toLowerCase();
}
