import { FailedPrecondition, InvalidArgument, ServiceUnavailable } from "../errors/index.js";
import { checkSmsMessage, closedError, redact } from "./checks.js";
import type { SentSms, SmsMessage, SmsSender } from "./sms-sender.js";

/** Options of `TwilioSmsSender`. */
export interface TwilioSmsSenderOptions {
  /** Account SID, `AC…`. */
  accountSid: string;
  authToken: string;
  /** Sender: an E.164 number of the account, or a Messaging Service SID (`MG…`). */
  from: string;
  /** API origin; default "https://api.twilio.com" (tests point it at a local server). */
  baseUrl?: string | undefined;
  /** Limit in ms for one API call, answer included; default 10000. */
  timeoutMs?: number | undefined;
}

/** Twilio error codes that are about the recipient (invalid, not a mobile, unreachable, region not enabled, opted out). */
const recipientErrorCodes = new Set([21211, 21265, 21408, 21610, 21612, 21614]);
/** Twilio error codes that are about the body (missing, too long). */
const bodyErrorCodes = new Set([21602, 21617]);

/** `SmsSender` over the Twilio Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`) with the global fetch. */
export class TwilioSmsSender implements SmsSender {
  readonly #url: string;
  readonly #authorization: string;
  readonly #from: string;
  readonly #timeoutMs: number;
  readonly #origin: string;
  readonly #secrets: string[];
  /** Aborts calls still running when the sender is closed. */
  readonly #closing = new AbortController();

  constructor(options: TwilioSmsSenderOptions) {
    const base = new URL(options.baseUrl ?? "https://api.twilio.com");
    this.#origin = base.origin;
    this.#url = new URL(
      `2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`,
      base.href.endsWith("/") ? base : `${base.href}/`,
    ).href;
    const credentials = Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64");
    this.#authorization = `Basic ${credentials}`;
    this.#from = options.from;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#secrets = [options.authToken, credentials];
  }

  async send(message: SmsMessage): Promise<SentSms> {
    if (this.#closing.signal.aborted) throw closedError("TwilioSmsSender");
    checkSmsMessage(message);
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    form.set(/^MG[0-9a-f]{32}$/i.test(this.#from) ? "MessagingServiceSid" : "From", this.#from);
    let response: Response;
    let answer: string;
    try {
      response = await fetch(this.#url, {
        method: "POST",
        headers: {
          authorization: this.#authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form,
        signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#closing.signal]),
      });
      answer = await response.text();
    } catch (error) {
      throw this.#unreachable(error);
    }
    return this.#result(response.status, answer, message);
  }

  async close(): Promise<void> {
    this.#closing.abort(closedError("TwilioSmsSender"));
  }

  #result(status: number, answer: string, message: SmsMessage): SentSms {
    const body = parseJson(answer);
    const secrets = [...this.#secrets, message.body];
    const code = typeof body?.code === "number" ? body.code : undefined;
    const detail = redact(
      `HTTP ${status}${code === undefined ? "" : `, Twilio error ${code}`}${typeof body?.message === "string" ? `: ${body.message}` : ""}`,
      secrets,
    );
    if (status >= 200 && status < 300) {
      if (typeof body?.sid === "string" && body.sid !== "") return { id: body.sid };
      throw new ServiceUnavailable(
        `SMS provider at ${this.#origin} accepted the message but sent no sid (${detail})`,
      );
    }
    if (status === 401 || status === 403) {
      throw new FailedPrecondition(`SMS provider rejected the credentials (${detail})`);
    }
    if (status === 404) {
      throw new FailedPrecondition(`SMS provider does not know the account or its Messages API (${detail})`);
    }
    if (status === 429 || status >= 500) {
      throw new ServiceUnavailable(`SMS provider at ${this.#origin} is unavailable (${detail})`);
    }
    if (code !== undefined && bodyErrorCodes.has(code)) {
      throw InvalidArgument.field("body", `SMS provider rejected the message body (${detail})`);
    }
    if (status === 400 && (code === undefined || recipientErrorCodes.has(code))) {
      throw InvalidArgument.field("to", `SMS provider rejected the recipient ${message.to} (${detail})`);
    }
    throw new InvalidArgument(`SMS provider rejected the message to ${message.to} (${detail})`);
  }

  #unreachable(error: unknown): Error {
    if (this.#closing.signal.aborted) return closedError("TwilioSmsSender");
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return new ServiceUnavailable(
        `SMS provider at ${this.#origin} did not answer within ${this.#timeoutMs} ms`,
      );
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason =
      cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    return new ServiceUnavailable(
      `SMS provider at ${this.#origin} could not be reached (${redact(reason, this.#secrets)})`,
    );
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
