import { InvalidArgument } from "../errors/index.js";
import type { MailMessage } from "./mailer.js";
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
}

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
