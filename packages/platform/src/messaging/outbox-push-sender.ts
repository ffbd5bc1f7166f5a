import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { v7 as uuidv7 } from "uuid";
import { checkPushMessages, closedError } from "./checks.js";
import { listOutboxFiles, outboxFileName, writeFileAtomically } from "./outbox-files.js";
import type { PushMessage, PushOutcome, PushPlatform, PushSender } from "./push-sender.js";

/** Options of `OutboxPushSender`. */
export interface OutboxPushSenderOptions {
  /** Outbox root; messages go to `<dir>/push/`; default "./data/outbox". */
  dir?: string | undefined;
  /** Called with one human line per message sent ("push to android device 3f2a…: title — body"), e.g. to print it on the console. */
  print?: ((line: string) => void) | undefined;
}

/** A push notification read back from an outbox. */
export interface StoredPush {
  id: string;
  platform: PushPlatform;
  /** `pushTokenFingerprint` of the token; the token itself is never written. */
  device: string;
  title: string;
  body: string;
  data: Record<string, string>;
  createdAt: Date;
  /** The `.json` file. */
  path: string;
}

/** The JSON written per message. */
interface PushFile {
  id: string;
  platform: PushPlatform;
  device: string;
  title: string;
  body: string;
  data: Record<string, string>;
  createdAt: string;
}

/** A short stable name for a device token that does not reveal it: the first 12 hex digits of its SHA-256. */
export function pushTokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}

/** `PushSender` for development and the embedded host: writes each message as `<dir>/push/<time>-<uuid>.json`; every outcome is `sent`. */
export class OutboxPushSender implements PushSender {
  readonly #dir: string;
  readonly #print: ((line: string) => void) | undefined;
  #closed = false;

  constructor(options: OutboxPushSenderOptions = {}) {
    this.#dir = join(options.dir ?? "./data/outbox", "push");
    this.#print = options.print;
  }

  /** The folder the `.json` files are written to. */
  get pushDir(): string {
    return this.#dir;
  }

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    if (this.#closed) throw closedError("OutboxPushSender");
    checkPushMessages(messages);
    const outcomes: PushOutcome[] = [];
    // One after the other, so the file names (and listings) keep the order of the batch.
    for (const message of messages) {
      const id = uuidv7();
      const createdAt = new Date();
      const file: PushFile = {
        id,
        platform: message.platform,
        device: pushTokenFingerprint(message.token),
        title: message.title,
        body: message.body,
        data: { ...message.data },
        createdAt: createdAt.toISOString(),
      };
      await writeFileAtomically(
        this.#dir,
        outboxFileName(id, createdAt, ".json"),
        `${JSON.stringify(file, null, 2)}\n`,
      );
      this.#print?.(`push to ${file.platform} device ${file.device}: ${file.title} — ${file.body}`);
      outcomes.push({ outcome: "sent" });
    }
    return outcomes;
  }

  /** Every message in this outbox, oldest first. */
  list(): Promise<StoredPush[]> {
    return listOutboxPush(this.#dir);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

/** Every message in a push folder (`<outbox dir>/push`), oldest first; none when the folder does not exist. */
export async function listOutboxPush(pushDir: string): Promise<StoredPush[]> {
  const paths = await listOutboxFiles(pushDir, ".json");
  return Promise.all(
    paths.map(async (path) => {
      const file = JSON.parse(await readFile(path, "utf8")) as PushFile;
      return { ...file, createdAt: new Date(file.createdAt), path };
    }),
  );
}
