import http2 from "node:http2";
import { create, type DescMethodUnary, type DescService, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  appendHeaders,
  Code,
  ConnectError,
  createContextValues,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { codeFromHttpStatus, errorFromJsonBytes, trailerDemux } from "@connectrpc/connect/protocol-connect";
import { headersFromNode } from "./metadata.js";

/** What one unary call needs besides its message. */
export interface UnaryCallOptions {
  /** Milliseconds the callee has; sent as `connect-timeout-ms` and enforced here. */
  timeoutMs: number;
  /** Ends the call with `canceled` (or the ConnectError it is aborted with). */
  signal?: AbortSignal;
  /** Extra request headers (lower-case names). */
  headers: Record<string, string>;
}

/** Calls unary methods of one service. */
export type UnaryCaller = (
  method: DescMethodUnary,
  message: unknown,
  options: UnaryCallOptions,
) => Promise<unknown>;

const {
  HTTP2_HEADER_METHOD,
  HTTP2_HEADER_PATH,
  HTTP2_HEADER_STATUS,
  HTTP2_HEADER_CONTENT_TYPE,
  NGHTTP2_CANCEL,
  NGHTTP2_INTERNAL_ERROR,
  NGHTTP2_NO_ERROR,
  NGHTTP2_REFUSED_STREAM,
  NGHTTP2_ENHANCE_YOUR_CALM,
} = http2.constants;

const idleSessionMs = 60_000;
const defaultPingTimeoutMs = 5_000;
const neverAborted = new AbortController().signal;

/**
 * Unary calls in the Connect protocol (binary Protobuf) over one HTTP/2 session per service,
 * written against `node:http2` directly. connect-node's client sends every unary call through
 * async iterables, an AbortController and undici `Headers`, and leaves a DOMException and a
 * ConnectError behind on every successful call; that plumbing cost the gateway about 0.4 ms of CPU
 * per call and lengthened its young-generation pauses (docs/adr/0020). Errors are the same
 * ConnectErrors connect-node produces: the Connect error body (code, message, details) when the
 * service answers one, `unavailable` when it cannot be reached or goes away before the answer is
 * complete, `deadline_exceeded` and `canceled` for the caller's own limits. Interceptors wrap each
 * call as they would in connect-es. `pingTimeoutMs` (default 5 000) bounds how long a session that
 * let a call time out may take to answer a ping before new calls stop using it.
 */
export function createUnaryCaller(
  service: DescService,
  baseUrl: string,
  interceptors: readonly Interceptor[] = [],
  options: { pingTimeoutMs?: number } = {},
): UnaryCaller & { close(): void } {
  const origin = new URL(baseUrl);
  const prefix = `${origin.pathname.replace(/\/$/, "")}/${service.typeName}/`;
  const pingTimeoutMs = options.pingTimeoutMs ?? defaultPingTimeoutMs;
  let session: http2.ClientHttp2Session | undefined;
  /** Later calls open a new session; calls still on `old` run to their own deadlines. */
  const retire = (old: http2.ClientHttp2Session) => {
    if (session === old) session = undefined;
  };

  /** The open session, or a new one when there is none or the last one is going away. */
  const sessionNow = (): http2.ClientHttp2Session => {
    if (session && !session.closed && !session.destroyed) return session;
    const opened = http2.connect(origin, { settings: { enablePush: false } });
    // Errors reach the streams that were open; an unhandled 'error' would end the process.
    opened.on("error", () => {});
    const forget = () => retire(opened);
    opened.once("close", forget);
    // After GOAWAY the session takes no new streams: later calls open a new one.
    opened.once("goaway", forget);
    opened.setTimeout(idleSessionMs, () => {
      forget();
      opened.close();
    });
    // An idle session must not keep a process alive; a pending call holds its own timer.
    opened.unref();
    session = opened;
    return opened;
  };

  /** Sessions with a ping in flight: many calls timing out together send one. */
  const probing = new WeakSet<http2.ClientHttp2Session>();

  /**
   * After a call timed out: a session whose peer vanished would time out every later call too. A
   * session that does not answer a ping (or finish connecting) within pingTimeoutMs is retired:
   * new calls go to a new one, and the calls still on it end at their own deadlines.
   */
  const probe = (suspect: http2.ClientHttp2Session) => {
    if (suspect.closed || suspect.destroyed || probing.has(suspect)) return;
    probing.add(suspect);
    const giveUp = () => {
      probing.delete(suspect);
      retire(suspect);
      suspect.close();
    };
    const timer = setTimeout(giveUp, pingTimeoutMs);
    timer.unref();
    const answered = () => {
      clearTimeout(timer);
      probing.delete(suspect);
    };
    if (suspect.connecting) {
      suspect.once("connect", answered);
      return;
    }
    const sent = suspect.ping((error) => {
      if (error) giveUp();
      else answered();
    });
    if (sent === false) {
      clearTimeout(timer);
      giveUp();
    }
  };

  const send = (method: DescMethodUnary, body: Uint8Array, options: UnaryCallOptions) =>
    new Promise<{ header: http2.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const signal = options.signal;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      let current: http2.ClientHttp2Session;
      let stream: http2.ClientHttp2Stream;
      try {
        current = sessionNow();
        stream = current.request({
          [HTTP2_HEADER_METHOD]: "POST",
          [HTTP2_HEADER_PATH]: prefix + method.name,
          [HTTP2_HEADER_CONTENT_TYPE]: "application/proto",
          "connect-protocol-version": "1",
          "connect-timeout-ms": String(options.timeoutMs),
          // The service's HTTP/2 layer then refuses a body that arrives cut short.
          "content-length": String(body.byteLength),
          ...options.headers,
        });
      } catch (error) {
        reject(unreachable(error));
        return;
      }
      let settled = false;
      let header: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      const finish = (error: ConnectError | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error) {
          stream.close(NGHTTP2_CANCEL);
          reject(error);
        } else {
          resolve({ header, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
        }
      };
      const onAbort = () => finish(abortError(signal ?? neverAborted));
      const timer = setTimeout(() => {
        finish(new ConnectError("the operation timed out", Code.DeadlineExceeded));
        probe(current);
      }, options.timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      stream.on("response", (received) => {
        header = received;
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      let ended = false;
      stream.on("end", () => {
        ended = true;
      });
      stream.on("error", (error: NodeJS.ErrnoException) => {
        if (settled) return;
        // The service reset this stream (as opposed to the connection failing under it).
        const reset = error.code === "ERR_HTTP2_STREAM_ERROR" && stream.rstCode !== undefined;
        finish(reset ? resetError(stream.rstCode as number) : unreachable(error));
      });
      // Settle on close, not on end: a session torn down mid-answer also ends its streams, and
      // only a clean close (NO_ERROR after the whole answer) is a complete answer.
      stream.on("close", () => {
        if (settled) return;
        const code = stream.rstCode ?? NGHTTP2_NO_ERROR;
        if (ended && code === NGHTTP2_NO_ERROR && header[HTTP2_HEADER_STATUS] !== undefined) {
          finish(undefined);
        } else if (code !== NGHTTP2_NO_ERROR && code !== NGHTTP2_CANCEL && code !== NGHTTP2_INTERNAL_ERROR) {
          finish(resetError(code));
        } else {
          finish(new ConnectError("the connection closed before the answer ended", Code.Unavailable));
        }
      });
      stream.end(body);
    });

  const call = async (method: DescMethodUnary, message: unknown, options: UnaryCallOptions) => {
    let body: Uint8Array;
    try {
      body = toBinary(method.input, create(method.input, message as never));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConnectError(`serialize binary: ${detail}`, Code.Internal, undefined, undefined, error);
    }
    const answer = await send(method, body, options);
    const status = Number(answer.header[HTTP2_HEADER_STATUS]);
    const contentType = String(answer.header[HTTP2_HEADER_CONTENT_TYPE] ?? "");
    if (status === 200 && contentType.startsWith("application/proto")) {
      try {
        return { header: answer.header, message: fromBinary(method.output, answer.body) };
      } catch (error) {
        throw new ConnectError(
          `${service.typeName}/${method.name} answered a body that is not a ${method.output.typeName}`,
          Code.Internal,
          undefined,
          undefined,
          error,
        );
      }
    }
    // Connect sends a unary call's trailers as `trailer-` headers; errors carry both as metadata.
    const [header, trailer] = trailerDemux(headersFromNode(answer.header));
    const metadata = appendHeaders(header, trailer);
    // Like connect-es: an answer that is not a Connect one at all is `unknown` (which the breaker
    // counts as the service being in trouble), an error status without a Connect body its code.
    const fallback = new ConnectError(
      `HTTP ${status} from ${service.typeName}/${method.name}`,
      status === 200 ? Code.Unknown : codeFromHttpStatus(status),
      metadata,
    );
    if (status !== 200 && contentType.startsWith("application/json")) {
      throw errorFromJsonBytes(answer.body, metadata, fallback);
    }
    throw fallback;
  };

  const caller: UnaryCaller =
    interceptors.length === 0
      ? async (method, message, options) => (await call(method, message, options)).message
      : async (method, message, options) => {
          const next = async (request: UnaryRequest): Promise<UnaryResponse> => {
            const headers: Record<string, string> = {};
            request.header.forEach((value, name) => {
              headers[name] = value;
            });
            const answer = await call(method, request.message, { ...options, headers });
            return {
              stream: false,
              service,
              method,
              header: headersFromNode(answer.header),
              trailer: new Headers(),
              message: answer.message,
            } as UnaryResponse;
          };
          const chained = interceptors.reduceRight<(request: UnaryRequest) => Promise<UnaryResponse>>(
            (inner, interceptor) => interceptor(inner as never) as never,
            next,
          );
          const answer = await chained({
            stream: false,
            service,
            method,
            requestMethod: "POST",
            url: `${origin.origin}${prefix}${method.name}`,
            signal: options.signal ?? neverAborted,
            header: new Headers(options.headers),
            contextValues: createContextValues(),
            message: create(method.input, message as never),
          } as UnaryRequest);
          return answer.message;
        };

  return Object.assign(caller, {
    close() {
      session?.close();
      session = undefined;
    },
  });
}

function abortError(signal: AbortSignal): ConnectError {
  const reason: unknown = signal.reason;
  if (reason instanceof ConnectError) return reason;
  return new ConnectError("the operation was aborted", Code.Canceled, undefined, undefined, reason);
}

/** The service could not be reached or dropped the connection: retryable, and counts for the breaker. */
function unreachable(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new ConnectError(`service unreachable: ${text}`, Code.Unavailable, undefined, undefined, error);
}

function resetError(code: number): ConnectError {
  if (code === NGHTTP2_REFUSED_STREAM)
    return new ConnectError("the service refused the stream", Code.Unavailable);
  if (code === NGHTTP2_CANCEL) return new ConnectError("the service canceled the call", Code.Canceled);
  if (code === NGHTTP2_ENHANCE_YOUR_CALM) {
    return new ConnectError("the service asks for fewer calls", Code.ResourceExhausted);
  }
  return new ConnectError(`the service reset the stream (HTTP/2 code ${code})`, Code.Internal);
}
