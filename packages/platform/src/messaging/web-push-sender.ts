import { Agent } from "node:https";
import type { PushSubscription } from "web-push";
import { InvalidArgument } from "../errors/index.js";
import { lazyRequire } from "../runtime/lazy-require.js";
import { checkPushMessages, closedError, redact } from "./checks.js";
import type { PushMessage, PushOutcome, PushSender } from "./push-sender.js";

const webPush = lazyRequire<typeof import("web-push")>("web-push");

/** The application server's VAPID identity (RFC 8292), made once with `web-push generate-vapid-keys`. */
export interface VapidKeys {
  /** Uncompressed P-256 public key, base64url (the `applicationServerKey` the browser subscribed with). */
  publicKey: string;
  /** P-256 private key, base64url. */
  privateKey: string;
  /** Contact for the push services: a `mailto:` address or an `https:` URL. */
  subject: string;
}

/** Options of `WebPushSender`. */
export interface WebPushSenderOptions {
  vapid: VapidKeys;
  /** How long in seconds a push service keeps a message for an offline browser; default 86400 (a day). */
  ttlSeconds?: number | undefined;
  /** Limit in ms a request may sit without any traffic (web-push's socket timeout); default 10000. */
  timeoutMs?: number | undefined;
  /** The most messages in flight at once; default 10. */
  concurrency?: number | undefined;
  /** PEM certificates to trust instead of the system's, for tests with a local push service; default the system's. */
  ca?: string | undefined;
}

/**
 * `PushSender` for `web` messages over the Web Push protocol with the `web-push` library: the payload (JSON of title,
 * body and data) encrypted with aes128gcm for the subscription, signed with the VAPID keys, over kept-alive
 * connections, at most `concurrency` at once.
 *
 * Outcomes: 2xx → sent; 404, 410, a token that is not a subscription JSON (`{ endpoint, keys: { p256dh, auth } }`) →
 * dead; 429, 5xx, 408, network errors, timeouts, 401/403 (the VAPID keys refused: a deployment fault, not the
 * browser's) → retry; other 4xx (413 too large, 400) → unsupported. An `ios` or `android` message is `unsupported`.
 */
export class WebPushSender implements PushSender {
  readonly #vapid: VapidKeys;
  readonly #ttlSeconds: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #agent: Agent;
  #closed = false;

  constructor(options: WebPushSenderOptions) {
    try {
      // Checks the subject and the keys' lengths now rather than on every send.
      webPush().getVapidHeaders(
        "https://push.example",
        options.vapid.subject,
        options.vapid.publicKey,
        options.vapid.privateKey,
        "aes128gcm",
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw InvalidArgument.field("vapid", redact(reason, [options.vapid.privateKey]));
    }
    this.#vapid = { ...options.vapid };
    this.#ttlSeconds = options.ttlSeconds ?? 86_400;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 10));
    this.#agent = new Agent({ keepAlive: true, ...(options.ca === undefined ? {} : { ca: options.ca }) });
  }

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    if (this.#closed) throw closedError("WebPushSender");
    checkPushMessages(messages);
    const outcomes: PushOutcome[] = new Array(messages.length);
    let next = 0;
    const worker = async () => {
      while (next < messages.length && !this.#closed) {
        const index = next++;
        outcomes[index] = await this.#sendOne(messages[index] as PushMessage);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, messages.length) }, worker));
    if (this.#closed) throw closedError("WebPushSender");
    return outcomes;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#agent.destroy();
  }

  async #sendOne(message: PushMessage): Promise<PushOutcome> {
    if (message.platform !== "web") {
      return {
        outcome: "unsupported",
        detail: `Web Push sends to web subscriptions, not ${message.platform} tokens`,
      };
    }
    const parsed = parseSubscription(message.token);
    if (typeof parsed === "string")
      return { outcome: "dead", detail: `token is not a Web Push subscription: ${parsed}` };
    const secrets = [
      message.token,
      parsed.endpoint,
      parsed.keys.p256dh,
      parsed.keys.auth,
      this.#vapid.privateKey,
    ];
    const origin = new URL(parsed.endpoint).origin;
    const payload = JSON.stringify({ title: message.title, body: message.body, data: message.data ?? {} });
    try {
      await webPush().sendNotification(parsed, payload, {
        vapidDetails: this.#vapid,
        TTL: this.#ttlSeconds,
        timeout: this.#timeoutMs,
        contentEncoding: "aes128gcm",
        agent: this.#agent,
      });
      return { outcome: "sent" };
    } catch (error) {
      if (this.#closed) return { outcome: "retry", detail: "WebPushSender is closed" };
      const status = (error as { statusCode?: unknown }).statusCode;
      if (typeof status !== "number") {
        return {
          outcome: "retry",
          detail: redact(`push service ${origin}: ${this.#reasonOf(error)}`, secrets),
        };
      }
      const body = String((error as { body?: unknown }).body ?? "").slice(0, 300);
      const detail = redact(
        `push service ${origin} answered HTTP ${status}${body ? `: ${body}` : ""}`,
        secrets,
      );
      if (status === 404 || status === 410) return { outcome: "dead", detail };
      if (status === 429 || status >= 500 || status === 408 || status === 401 || status === 403) {
        return { outcome: "retry", detail };
      }
      return { outcome: "unsupported", detail };
    }
  }

  #reasonOf(error: unknown): string {
    if (error instanceof Error && error.message === "Socket timeout") {
      return `no answer within ${this.#timeoutMs} ms`;
    }
    return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  }
}

/** The subscription in `token`, or why it is not one (never quoting it). */
function parseSubscription(token: string): PushSubscription | string {
  let value: unknown;
  try {
    value = JSON.parse(token);
  } catch {
    return "not JSON";
  }
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const { endpoint, keys } = value as { endpoint?: unknown; keys?: unknown };
  if (typeof endpoint !== "string" || !URL.canParse(endpoint) || new URL(endpoint).protocol !== "https:") {
    return "endpoint must be an https URL";
  }
  const { p256dh, auth } = (typeof keys === "object" && keys !== null ? keys : {}) as {
    p256dh?: unknown;
    auth?: unknown;
  };
  if (typeof p256dh !== "string" || !isBase64Url(p256dh, 65) || Buffer.from(p256dh, "base64url")[0] !== 4) {
    return "keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)";
  }
  if (typeof auth !== "string" || !isBase64Url(auth, 16)) return "keys.auth must be 16 bytes, base64url";
  return { endpoint, keys: { p256dh, auth } };
}

function isBase64Url(text: string, bytes: number): boolean {
  return /^[A-Za-z0-9_-]+={0,2}$/.test(text) && Buffer.from(text, "base64url").length === bytes;
}
