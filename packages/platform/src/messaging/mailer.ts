/** One e-mail to one recipient: plain text always, HTML optionally; `from` overrides the adapter's default sender. */
export interface MailMessage {
  /** A single address, `name@example.com` (no display name, no list). */
  to: string;
  /** One line; non-ASCII is fine (sent as RFC 2047 encoded words). */
  subject: string;
  text: string;
  html?: string;
  /** Sender, `no-reply@example.com` or `"Name" <no-reply@example.com>`; the adapter's `from` when omitted. */
  from?: string;
  /** Extra headers, e.g. `List-Unsubscribe`; names of letters, digits and dashes, one-line values, none the mailer sets itself. */
  headers?: Readonly<Record<string, string>>;
}

/** What a mailer answers once it has handed a message on: its RFC 5322 Message-ID, angle brackets included. */
export interface SentMail {
  id: string;
}

/** Sends transactional e-mail (verification links, receipts); adapters: `OutboxMailer` (files), `SmtpMailer`. */
export interface Mailer {
  /** Sends one message; rejects with InvalidArgument for a bad or refused recipient, ServiceUnavailable when the server cannot be reached. */
  send(message: MailMessage): Promise<SentMail>;
  /** Releases the adapter's resources; later sends reject. Idempotent. */
  close(): Promise<void>;
}
