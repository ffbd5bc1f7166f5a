import { InvalidArgument } from "../errors/index.js";
import type { MailMessage } from "./mailer.js";
import { type PushMessage, pushPlatforms } from "./push-sender.js";
import type { SmsMessage } from "./sms-sender.js";

/** The most characters one SMS body may have; Twilio refuses longer ones (error 21617). */
export const maxSmsBodyLength = 1600;

// One bare address: no display name, no list, no whitespace or characters that would need quoting.
const addressPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)*$/;
const e164Pattern = /^\+[1-9]\d{1,14}$/;
const lineBreak = /[\r\n]/;

/** Throws InvalidArgument naming the field unless `message` can be sent as it is. */
export function checkMailMessage(message: MailMessage): void {
  if (!addressPattern.test(message.to)) {
    throw InvalidArgument.field(
      "to",
      `must be one e-mail address like name@example.com (got "${message.to}")`,
    );
  }
  if (lineBreak.test(message.subject)) throw InvalidArgument.field("subject", "must be a single line");
  if (message.from !== undefined && lineBreak.test(message.from)) {
    throw InvalidArgument.field("from", "must be a single line");
  }
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!headerName.test(name) || ownHeaders.has(name.toLowerCase()))
      throw InvalidArgument.field(`headers.${name}`, "is not a header a message may set");
    if (lineBreak.test(value)) throw InvalidArgument.field(`headers.${name}`, "must be a single line");
  }
}

const headerName = /^[A-Za-z0-9-]{1,64}$/;
/** Headers the mailer writes itself: a message may not set or repeat them. */
const ownHeaders = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "subject",
  "date",
  "message-id",
  "sender",
  "reply-to",
  "content-type",
  "content-transfer-encoding",
  "mime-version",
]);

/** Throws InvalidArgument naming the field unless `message` can be sent as it is; never quotes the body. */
export function checkSmsMessage(message: SmsMessage): void {
  if (!e164Pattern.test(message.to)) {
    throw InvalidArgument.field(
      "to",
      `must be an E.164 phone number like +4915112345678 (got "${message.to}")`,
    );
  }
  if (message.body.length === 0) throw InvalidArgument.field("body", "must not be empty");
  if (message.body.length > maxSmsBodyLength) {
    throw InvalidArgument.field(
      "body",
      `must be at most ${maxSmsBodyLength} characters (got ${message.body.length})`,
    );
  }
}

/** The most characters a push notification's title may have. */
export const maxPushTitleLength = 200;
/** The most characters a push notification's body may have. */
export const maxPushBodyLength = 2000;

// FCM refuses these data keys (INVALID_ARGUMENT), which would otherwise surface only as a failed send.
const reservedPushDataKey = /^(?:from|notification|message_type)$|^(?:google|gcm)/;

/** Throws InvalidArgument naming `messages[i].<field>` unless every message can be sent as it is; never quotes a token, title or body. */
export function checkPushMessages(messages: readonly PushMessage[]): void {
  messages.forEach((message, index) => {
    const field = (name: string) => `messages[${index}].${name}`;
    if (typeof message.token !== "string" || message.token.trim() === "") {
      throw InvalidArgument.field(field("token"), "must be a non-empty device token");
    }
    if (!pushPlatforms.includes(message.platform)) {
      throw InvalidArgument.field(field("platform"), `must be one of ${pushPlatforms.join(", ")}`);
    }
    if (typeof message.title !== "string" || message.title.length > maxPushTitleLength) {
      throw InvalidArgument.field(
        field("title"),
        `must be a string of at most ${maxPushTitleLength} characters (got ${describeLength(message.title)})`,
      );
    }
    if (typeof message.body !== "string" || message.body.length > maxPushBodyLength) {
      throw InvalidArgument.field(
        field("body"),
        `must be a string of at most ${maxPushBodyLength} characters (got ${describeLength(message.body)})`,
      );
    }
    if (message.data === undefined) return;
    if (typeof message.data !== "object" || message.data === null || Array.isArray(message.data)) {
      throw InvalidArgument.field(field("data"), "must be an object of string keys and string values");
    }
    for (const [key, value] of Object.entries(message.data)) {
      if (typeof value !== "string") {
        throw InvalidArgument.field(field(`data.${key}`), `must be a string (got ${typeof value})`);
      }
      if (reservedPushDataKey.test(key)) {
        throw InvalidArgument.field(field(`data.${key}`), "is a key FCM reserves for itself");
      }
    }
  });
}

function describeLength(value: unknown): string {
  return typeof value === "string" ? `${value.length}` : typeof value;
}

/** The error every send on a closed adapter rejects with. */
export function closedError(adapter: string): Error {
  return new Error(`${adapter} is closed`);
}

/** `text` with every secret of 4 or more characters replaced by `***`, so provider answers can go into error messages. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  // Replacing a shorter one (an SMS body "ok") would garble the message without hiding anything worth hiding.
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join("***");
  return result;
}

/** The bare address of a header value: the part in angle brackets when there is one. */
export function addressOf(value: string): string {
  const match = /<([^<>]*)>\s*$/.exec(value);
  return (match?.[1] ?? value).trim();
}

/** A Message-ID for `id` on the sender's domain, the way nodemailer would build one. */
export function messageIdFor(id: string, from: string): string {
  const address = addressOf(from);
  const domain = address.slice(address.lastIndexOf("@") + 1) || "localhost";
  return `<${id}@${domain}>`;
}
