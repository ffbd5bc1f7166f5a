import type { Mailer } from "./mailer.js";
import { OutboxMailer } from "./outbox-mailer.js";
import { SmtpMailer } from "./smtp-mailer.js";

/** Options of `createMailer`: the SMTP URL when mail should really go out, else the outbox folder is used. */
export interface CreateMailerOptions {
  /** `smtp://…` or `smtps://…`; an empty or missing URL selects the outbox. */
  smtpUrl?: string | undefined;
  /** Outbox root for `OutboxMailer` (messages in `<outboxDir>/mail/`). */
  outboxDir: string;
  /** Default sender for either adapter. */
  from: string;
  /** Line printer for `OutboxMailer`. */
  print?: ((line: string) => void) | undefined;
}

/** `SmtpMailer` when an SMTP URL is given, otherwise `OutboxMailer`. */
export function createMailer(options: CreateMailerOptions): Mailer {
  if (options.smtpUrl) return new SmtpMailer({ url: options.smtpUrl, from: options.from });
  return new OutboxMailer({ dir: options.outboxDir, from: options.from, print: options.print });
}
