import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { InvalidArgument } from "../errors/index.js";
import { checkPushMessages, closedError, redact } from "./checks.js";
import type { PushMessage, PushOutcome, PushSender } from "./push-sender.js";

/** The fields of a Google service account key file (the JSON downloaded from the Firebase console) that FCM needs. */
export interface FcmServiceAccount {
  project_id: string;
  client_email: string;
  /** PKCS#8 PEM. */
  private_key: string;
  /** OAuth token endpoint, normally "https://oauth2.googleapis.com/token". */
  token_uri: string;
  private_key_id?: string | undefined;
}

/** Options of `FcmPushSender`. */
export interface FcmPushSenderOptions {
  /** The service account, parsed or as the key file's JSON text. */
  credentials: FcmServiceAccount | string;
  /** FCM API origin; default "https://fcm.googleapis.com" (tests point it at a local server). */
  baseUrl?: string | undefined;
  /** Limit in ms for one API call (token exchange or one message), answer included; default 10000. */
  timeoutMs?: number | undefined;
  /** The most messages in flight at once; default 10. */
  concurrency?: number | undefined;
}

/** The OAuth scope FCM HTTP v1 asks for. */
export const fcmScope = "https://www.googleapis.com/auth/firebase.messaging";

/** An access token is renewed this long before Google says it expires, so none expires in flight. */
const tokenRenewalMarginMs = 60_000;

interface AccessToken {
  value: string;
  /** Epoch ms after which it is fetched anew. */
  renewAt: number;
}

/** Why getting an access token failed; every message of the batch is then `retry`. */
class TokenExchangeFailed extends Error {}

/**
 * `PushSender` over FCM HTTP v1 (`POST /v1/projects/{project}/messages:send`) for `ios` and `android` tokens, with the
 * global fetch. FCM v1 has no batch endpoint, so a batch is sent as concurrent single sends, at most `concurrency` at
 * once over fetch's kept-alive connections. The OAuth access token (a service-account JWT exchanged at `token_uri`) is
 * cached until a minute before it expires, shared by concurrent sends, and fetched anew once when FCM answers 401.
 *
 * Outcomes: 200 → sent; 404 UNREGISTERED, 400 INVALID_ARGUMENT about the token, 403 SENDER_ID_MISMATCH → dead;
 * 429, 5xx, network errors, timeouts, a failed token exchange, 401 twice, other 403 or 404 (the project, not the token)
 * → retry; other 4xx (the message itself refused) → unsupported. A `web` message is `unsupported` here (see `RoutingPushSender`).
 */
export class FcmPushSender implements PushSender {
  readonly #projectId: string;
  readonly #clientEmail: string;
  readonly #tokenUri: string;
  readonly #keyId: string | undefined;
  readonly #key: KeyObject;
  readonly #sendUrl: string;
  readonly #origin: string;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  /** Aborts calls still running when the sender is closed. */
  readonly #closing = new AbortController();
  #accessToken: Promise<AccessToken> | undefined;

  constructor(options: FcmPushSenderOptions) {
    const credentials = parseServiceAccount(options.credentials);
    this.#projectId = credentials.project_id;
    this.#clientEmail = credentials.client_email;
    this.#tokenUri = credentials.token_uri;
    this.#keyId = credentials.private_key_id;
    try {
      this.#key = createPrivateKey(credentials.private_key);
    } catch {
      // The parser's message could quote the key; say only that it is not one.
      throw InvalidArgument.field("credentials.private_key", "must be a PEM private key");
    }
    const base = new URL(options.baseUrl ?? "https://fcm.googleapis.com");
    this.#origin = base.origin;
    this.#sendUrl = new URL(
      `v1/projects/${encodeURIComponent(this.#projectId)}/messages:send`,
      base.href.endsWith("/") ? base : `${base.href}/`,
    ).href;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 10));
  }

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    if (this.#closing.signal.aborted) throw closedError("FcmPushSender");
    checkPushMessages(messages);
    const outcomes: PushOutcome[] = new Array(messages.length);
    let next = 0;
    const worker = async () => {
      while (next < messages.length && !this.#closing.signal.aborted) {
        const index = next++;
        outcomes[index] = await this.#sendOne(messages[index] as PushMessage);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, messages.length) }, worker));
    if (this.#closing.signal.aborted) throw closedError("FcmPushSender");
    return outcomes;
  }

  async close(): Promise<void> {
    this.#closing.abort(closedError("FcmPushSender"));
  }

  async #sendOne(message: PushMessage): Promise<PushOutcome> {
    if (message.platform === "web") {
      return { outcome: "unsupported", detail: "FCM sends to ios and android tokens, not web subscriptions" };
    }
    const body = JSON.stringify({
      message: {
        token: message.token,
        notification: { title: message.title, body: message.body },
        ...(message.data === undefined ? {} : { data: message.data }),
      },
    });
    for (let attempt = 1; ; attempt++) {
      let accessToken: AccessToken;
      try {
        accessToken = await this.#currentAccessToken();
      } catch (error) {
        return { outcome: "retry", detail: this.#failureDetail(error, [message.token]) };
      }
      let status: number;
      let answer: string;
      try {
        const response = await fetch(this.#sendUrl, {
          method: "POST",
          headers: {
            authorization: `Bearer ${accessToken.value}`,
            "content-type": "application/json; charset=utf-8",
            accept: "application/json",
          },
          body,
          signal: this.#signal(),
        });
        status = response.status;
        answer = await response.text();
      } catch (error) {
        return { outcome: "retry", detail: this.#failureDetail(error, [message.token, accessToken.value]) };
      }
      if (status === 401 && attempt === 1) {
        this.#forget(accessToken);
        continue;
      }
      return outcomeOf(status, answer, [message.token, accessToken.value]);
    }
  }

  #signal(): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#closing.signal]);
  }

  /** The cached access token, or one promise for a new one that concurrent sends share. */
  #currentAccessToken(): Promise<AccessToken> {
    const cached = this.#accessToken;
    if (cached) {
      return cached.then((token) => {
        if (Date.now() < token.renewAt) return token;
        if (this.#accessToken === cached) this.#accessToken = undefined;
        return this.#currentAccessToken();
      });
    }
    const fetching = this.#fetchAccessToken();
    this.#accessToken = fetching;
    // A failed exchange is not cached: the next send tries again.
    fetching.catch(() => {
      if (this.#accessToken === fetching) this.#accessToken = undefined;
    });
    return fetching;
  }

  /** Makes the next `#currentAccessToken` fetch a new token unless another send has already replaced `token`. */
  #forget(token: AccessToken): void {
    token.renewAt = 0;
  }

  async #fetchAccessToken(): Promise<AccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: fcmScope })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(this.#keyId ? { kid: this.#keyId } : {}) })
      .setIssuer(this.#clientEmail)
      .setAudience(this.#tokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(this.#key);
    let response: Response;
    let answer: string;
    try {
      response = await fetch(this.#tokenUri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
        signal: this.#signal(),
      });
      answer = await response.text();
    } catch (error) {
      throw new TokenExchangeFailed(
        `could not get an access token from ${new URL(this.#tokenUri).origin}: ${reasonOf(error, this.#timeoutMs)}`,
      );
    }
    const body = parseJson(answer);
    if (!response.ok || typeof body?.access_token !== "string") {
      const error = typeof body?.error === "string" ? `: ${body.error}` : "";
      const description = typeof body?.error_description === "string" ? ` (${body.error_description})` : "";
      throw new TokenExchangeFailed(
        redact(`token endpoint refused the service account: HTTP ${response.status}${error}${description}`, [
          assertion,
        ]),
      );
    }
    const expiresInMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    return {
      value: body.access_token,
      renewAt: Date.now() + Math.max(0, expiresInMs - tokenRenewalMarginMs),
    };
  }

  #failureDetail(error: unknown, secrets: readonly string[]): string {
    if (this.#closing.signal.aborted) return "FcmPushSender is closed";
    if (error instanceof TokenExchangeFailed) return redact(error.message, secrets);
    return redact(`FCM at ${this.#origin}: ${reasonOf(error, this.#timeoutMs)}`, secrets);
  }
}

/** The outcome of FCM's answer `status` with body `answer`; `secrets` are cut out of the detail. */
function outcomeOf(status: number, answer: string, secrets: readonly string[]): PushOutcome {
  if (status >= 200 && status < 300) return { outcome: "sent" };
  const error = parseJson(answer)?.error as Record<string, unknown> | undefined;
  const errorCode = fcmErrorCode(error);
  const message = typeof error?.message === "string" ? error.message : "";
  const detail = redact(
    `FCM answered HTTP ${status}${errorCode ? ` ${errorCode}` : ""}${message ? `: ${message}` : ""}`,
    secrets,
  );
  // Only an answer about this token kills it: a 404 or 403 for the project (wrong project id, FCM API disabled) is
  // the deployment's fault and would otherwise delete every token.
  if (errorCode === "UNREGISTERED" || errorCode === "SENDER_ID_MISMATCH") return { outcome: "dead", detail };
  if (status === 400 && errorCode === "INVALID_ARGUMENT" && isAboutToken(error, message)) {
    return { outcome: "dead", detail };
  }
  if (
    status === 429 ||
    status >= 500 ||
    status === 401 ||
    status === 403 ||
    status === 404 ||
    status === 408
  ) {
    return { outcome: "retry", detail };
  }
  return { outcome: "unsupported", detail };
}

/** The FCM error code (`UNREGISTERED`, `INVALID_ARGUMENT`, ...) of an error body: its FcmError detail, else its status. */
function fcmErrorCode(error: Record<string, unknown> | undefined): string | undefined {
  const details = Array.isArray(error?.details) ? (error.details as unknown[]) : [];
  for (const detail of details) {
    const code = (detail as { errorCode?: unknown } | null)?.errorCode;
    if (typeof code === "string") return code;
  }
  return typeof error?.status === "string" ? error.status : undefined;
}

/** Whether an INVALID_ARGUMENT error names the token (a field violation on `message.token`, or its message says so). */
function isAboutToken(error: Record<string, unknown> | undefined, message: string): boolean {
  const details = Array.isArray(error?.details) ? (error.details as unknown[]) : [];
  for (const detail of details) {
    const violations = (detail as { fieldViolations?: unknown } | null)?.fieldViolations;
    if (!Array.isArray(violations)) continue;
    if (
      violations.some((violation) => (violation as { field?: unknown } | null)?.field === "message.token")
    ) {
      return true;
    }
  }
  return /registration token/i.test(message);
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError")
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
}

function parseServiceAccount(credentials: FcmServiceAccount | string): FcmServiceAccount {
  let value: unknown = credentials;
  if (typeof credentials === "string") {
    try {
      value = JSON.parse(credentials);
    } catch {
      throw InvalidArgument.field("credentials", "must be a service account key file's JSON");
    }
  }
  const account = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  for (const field of ["project_id", "client_email", "private_key", "token_uri"] as const) {
    if (typeof account[field] !== "string" || account[field] === "") {
      throw InvalidArgument.field(`credentials.${field}`, "is missing from the service account");
    }
  }
  return account as unknown as FcmServiceAccount;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
