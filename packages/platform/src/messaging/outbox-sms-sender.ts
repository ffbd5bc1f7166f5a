import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { v7 as uuidv7 } from "uuid";
import { checkSmsMessage, closedError } from "./checks.js";
import { listOutboxFiles, outboxFileName, writeFileAtomically } from "./outbox-files.js";
import type { SentSms, SmsMessage, SmsSender } from "./sms-sender.js";

/** Options of `OutboxSmsSender`. */
export interface OutboxSmsSenderOptions {
  /** Outbox root; messages go to `<dir>/sms/`. */
  dir: string;
  /** Called with one human line per message sent ("sms to +49…: body"), e.g. to print it on the console. */
  print?: ((line: string) => void) | undefined;
}

/** A text message read back from an outbox. */
export interface StoredSms {
  id: string;
  to: string;
  body: string;
  createdAt: Date;
  /** The `.json` file. */
  path: string;
}

/** The JSON written per message. */
interface SmsFile {
  id: string;
  to: string;
  body: string;
  createdAt: string;
}

/** `SmsSender` for development and the embedded host: writes each message as `<dir>/sms/<time>-<uuid>.json`. */
export class OutboxSmsSender implements SmsSender {
  readonly #dir: string;
  readonly #print: ((line: string) => void) | undefined;
  #closed = false;

  constructor(options: OutboxSmsSenderOptions) {
    this.#dir = join(options.dir, "sms");
    this.#print = options.print;
  }

  /** The folder the `.json` files are written to. */
  get smsDir(): string {
    return this.#dir;
  }

  async send(message: SmsMessage): Promise<SentSms> {
    if (this.#closed) throw closedError("OutboxSmsSender");
    checkSmsMessage(message);
    const id = uuidv7();
    const createdAt = new Date();
    const file: SmsFile = { id, to: message.to, body: message.body, createdAt: createdAt.toISOString() };
    await writeFileAtomically(
      this.#dir,
      outboxFileName(id, createdAt, ".json"),
      `${JSON.stringify(file, null, 2)}\n`,
    );
    this.#print?.(`sms to ${message.to}: ${message.body}`);
    return { id };
  }

  /** Every message in this outbox, oldest first. */
  list(): Promise<StoredSms[]> {
    return listOutboxSms(this.#dir);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

/** Every message in an SMS folder (`<outbox dir>/sms`), oldest first; none when the folder does not exist. */
export async function listOutboxSms(smsDir: string): Promise<StoredSms[]> {
  const paths = await listOutboxFiles(smsDir, ".json");
  return Promise.all(
    paths.map(async (path) => {
      const file = JSON.parse(await readFile(path, "utf8")) as SmsFile;
      return { id: file.id, to: file.to, body: file.body, createdAt: new Date(file.createdAt), path };
    }),
  );
}

/** The newest message an outbox (`dir` as given to `OutboxSmsSender`) holds for `to`, or undefined. */
export async function latestSmsTo(dir: string, to: string): Promise<StoredSms | undefined> {
  const messages = await listOutboxSms(join(dir, "sms"));
  return messages.findLast((sms) => sms.to === to);
}
