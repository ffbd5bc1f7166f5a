import type { ConnectionOptions } from "node:tls";
import type { Transporter } from "nodemailer";
import { v7 as uuidv7 } from "uuid";
import { FailedPrecondition, InvalidArgument, ServiceUnavailable } from "../errors/index.js";
import { lazyRequire } from "../runtime/lazy-require.js";
import { checkMailMessage, closedError, messageIdFor, redact } from "./checks.js";
import type { Mailer, MailMessage, SentMail } from "./mailer.js";

const nodemailer = lazyRequire<typeof import("nodemailer")>("nodemailer");

/** Options of `SmtpMailer`. */
export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465` (TLS from the start); user and password URL-encoded. */
  url: string;
  /** Default sender, `no-reply@example.com` or `"Name" <no-reply@example.com>`. */
  from: string;
  /** Limit in ms for connecting, for the greeting and for each pause of the conversation; default 5000. */
  timeoutMs?: number | undefined;
  /** TLS options for smtps:// and STARTTLS, e.g. `{ ca }` for a private CA; certificates are verified by default. */
  tls?: ConnectionOptions | undefined;
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

/** `Mailer` over SMTP (nodemailer), one connection per message; failures become domain errors that never show the password. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;
  /** `host:port`, for error messages. */
  readonly #server: string;
  readonly #user: string;
  readonly #secrets: string[];
  #closed = false;

  constructor(options: SmtpMailerOptions) {
    const url = parseSmtpUrl(options.url);
    const timeoutMs = options.timeoutMs ?? 5000;
    const secure = url.protocol === "smtps:";
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = url.port === "" ? (secure ? 465 : 587) : Number(url.port);
    this.#user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    this.#secrets = [password, url.password];
    this.#server = `${url.hostname}:${port}`;
    this.#from = options.from;
    this.#transport = nodemailer().createTransport({
      // Connections are kept and reused (up to five at once): a new TLS handshake and greeting per
      // message capped a notifications replica at a few dozen e-mails a second.
      pool: true,
      maxConnections: 5,
      host,
      port,
      secure,
      auth: this.#user === "" ? undefined : { user: this.#user, pass: password },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      tls: options.tls,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    if (this.#closed) throw closedError("SmtpMailer");
    checkMailMessage(message);
    const from = message.from ?? this.#from;
    try {
      const info = await this.#transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        ...(message.headers === undefined ? {} : { headers: { ...message.headers } }),
        messageId: messageIdFor(uuidv7(), from),
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { id: info.messageId };
    } catch (error) {
      throw this.#domainError(error, message.to, from);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
  }

  #domainError(error: unknown, to: string, from: string): unknown {
    if (!(error instanceof Error) || typeof (error as SmtpError).code !== "string") return error;
    const { code, command, response, responseCode } = error as SmtpError;
    const server = `SMTP server ${this.#server}`;
    const answer = redact(response ?? error.message, this.#secrets);
    // 4xx answers are temporary (greylisting, a full mailbox, a busy server): a later retry may succeed.
    const temporary = responseCode !== undefined && responseCode >= 400 && responseCode < 500;
    if (code === "EAUTH") {
      return new FailedPrecondition(`${server} rejected the credentials of user "${this.#user}": ${answer}`);
    }
    if (code === "EENVELOPE" || code === "EMESSAGE") {
      if (temporary)
        return new ServiceUnavailable(`${server} temporarily refused the message to ${to}: ${answer}`);
      if (command === "RCPT TO" || (command === "API" && /recipient/i.test(error.message))) {
        return InvalidArgument.field("to", `${server} rejected the recipient ${to}: ${answer}`);
      }
      if (command === "MAIL FROM") {
        return new FailedPrecondition(`${server} rejected the sender ${from}: ${answer}`);
      }
      return new InvalidArgument(`${server} rejected the message to ${to}: ${answer}`);
    }
    return new ServiceUnavailable(`could not send mail via ${server} (${code}): ${answer}`);
  }
}

function parseSmtpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may hold a password: it is not repeated here.
    throw new Error("the SMTP URL is not a valid URL (expected smtp://user:pass@host:port or smtps://...)");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error(`the SMTP URL must start with smtp:// or smtps:// (got ${url.protocol}//${url.host})`);
  }
  return url;
}
