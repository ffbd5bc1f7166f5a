import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type StreamTransport from "nodemailer/lib/stream-transport/index.js";
import { v7 as uuidv7 } from "uuid";
import { lazyRequire } from "../runtime/lazy-require.js";
import { checkMailMessage, closedError, messageIdFor } from "./checks.js";
import type { Mailer, MailMessage, SentMail } from "./mailer.js";
import { isAddressed, parseMail } from "./mime.js";
import { listOutboxFiles, outboxFileName, writeFileAtomically } from "./outbox-files.js";

// Builds the MIME bytes only; nothing leaves the process. CRLF line ends as in RFC 5322. Passed as the
// message defaults too: nodemailer 7 takes `newline` from the message, not from the transport options.
const composerOptions: StreamTransport.Options = { streamTransport: true, buffer: true, newline: "windows" };

const nodemailer = lazyRequire<typeof import("nodemailer")>("nodemailer");

/** Options of `OutboxMailer`. */
export interface OutboxMailerOptions {
  /** Outbox root; messages go to `<dir>/mail/`. */
  dir: string;
  /** Default sender, `no-reply@example.com` or `"Name" <no-reply@example.com>`. */
  from: string;
  /**
   * Called with one human line per message sent, e.g. to print it on the console: "mail to x@y:
   * subject → path", then "; link: <url>" for each http(s) link of its text, whole and unencoded.
   */
  print?: ((line: string) => void) | undefined;
}

/** A message read back from an outbox: its Message-ID as `id`, decoded headers, text and HTML. */
export interface StoredMail {
  id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html?: string;
  /** The `.eml` file. */
  path: string;
  date: Date;
  /** Every header by lower-case name, decoded. */
  headers: ReadonlyMap<string, string>;
}

/**
 * `Mailer` for development and the embedded host: writes each message as an RFC 5322 `.eml` file to
 * `<dir>/mail/`, with a `.txt` of the same name beside it: its headers and text as plain UTF-8, so a
 * link can be copied whole (the `.eml` text is quoted-printable, which breaks long lines with `=`).
 */
export class OutboxMailer implements Mailer {
  readonly #dir: string;
  readonly #from: string;
  readonly #print: ((line: string) => void) | undefined;
  readonly #composer = nodemailer().createTransport(composerOptions, composerOptions);
  #closed = false;

  constructor(options: OutboxMailerOptions) {
    this.#dir = join(options.dir, "mail");
    this.#from = options.from;
    this.#print = options.print;
  }

  /** The folder the `.eml` files are written to. */
  get mailDir(): string {
    return this.#dir;
  }

  async send(message: MailMessage): Promise<SentMail> {
    if (this.#closed) throw closedError("OutboxMailer");
    checkMailMessage(message);
    const key = uuidv7();
    const from = message.from ?? this.#from;
    const date = new Date();
    const info = await this.#composer.sendMail({
      date,
      from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
      ...(message.headers === undefined ? {} : { headers: { ...message.headers } }),
      messageId: messageIdFor(key, from),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    if (!Buffer.isBuffer(info.message)) throw new Error("nodemailer returned a stream instead of a buffer");
    const name = outboxFileName(key, date, "");
    // The text copy first: whoever sees the .eml finds its .txt already there.
    await writeFileAtomically(this.#dir, `${name}.txt`, plainCopy({ ...message, from }, date));
    const path = await writeFileAtomically(this.#dir, `${name}.eml`, info.message);
    const links = message.text.match(linkPattern) ?? [];
    this.#print?.([`mail to ${message.to}: ${message.subject} → ${path}`, ...links].join("; link: "));
    return { id: info.messageId };
  }

  /** Every message in this outbox, oldest first. */
  list(): Promise<StoredMail[]> {
    return listOutboxMail(this.#dir);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#composer.close();
  }
}

const linkPattern = /https?:\/\/[^\s<>"]+/g;

function plainCopy(message: MailMessage & { from: string }, date: Date): string {
  const head = [`From: ${message.from}`, `To: ${message.to}`, `Subject: ${message.subject}`];
  return `${[...head, `Date: ${date.toUTCString()}`].join("\n")}\n\n${message.text}\n`;
}

/** Every message in a mail folder (`<outbox dir>/mail`), oldest first; none when the folder does not exist. */
export async function listOutboxMail(mailDir: string): Promise<StoredMail[]> {
  const paths = await listOutboxFiles(mailDir, ".eml");
  return Promise.all(paths.map(async (path) => toStoredMail(path, await readFile(path))));
}

/** The newest message an outbox (`dir` as given to `OutboxMailer`) holds for `to`, or undefined. */
export async function latestMailTo(dir: string, to: string): Promise<StoredMail | undefined> {
  const mails = await listOutboxMail(join(dir, "mail"));
  return mails.findLast((mail) => isAddressed(mail.to, to));
}

function toStoredMail(path: string, raw: Buffer): StoredMail {
  const parsed = parseMail(raw);
  const stored: StoredMail = {
    id: parsed.messageId ?? basename(path, ".eml"),
    to: parsed.to,
    from: parsed.from,
    subject: parsed.subject,
    text: parsed.text,
    path,
    headers: parsed.headers,
    // The file name starts with the creation time, a fallback for a missing or unreadable Date header.
    date:
      parsed.date ??
      new Date(
        basename(path)
          .slice(0, 24)
          .replace(/T(\d\d)-(\d\d)-/, "T$1:$2:"),
      ),
  };
  if (parsed.html !== undefined) stored.html = parsed.html;
  return stored;
}
