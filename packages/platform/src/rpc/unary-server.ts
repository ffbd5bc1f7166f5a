import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { type DescMethod, type DescService, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextValues,
  createMethodImplSpec,
  createServiceImplSpec,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
} from "@connectrpc/connect";
import { invokeUnaryImplementation } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, errorToJsonBytes, parseTimeout } from "@connectrpc/connect/protocol-connect";
import { headersFromNode } from "./metadata.js";

type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;

/** Unary methods by request path (`/pkg.Service/Method`). */
export type UnaryRoutes = Map<string, UnarySpec>;

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** Largest request body the direct path reads; larger ones are refused with resource_exhausted. */
export const maxUnaryRequestBytes = 16 * 1024 * 1024;

/** The reason a call's signal is aborted with once its answer is written: made once, no stack per call. */
const callEnded = new ConnectError("the call has ended", Code.Canceled);

/**
 * `router` that also records every unary method it is given (without per-route options, which only
 * connect's handlers apply) in `routes`, so that createUnaryServer can serve them.
 */
export function recordingRouter(router: ConnectRouter, routes: UnaryRoutes): ConnectRouter {
  const record = (spec: MethodImplSpec) => {
    if (spec.kind === "unary") routes.set(`/${spec.method.parent.typeName}/${spec.method.name}`, spec);
  };
  const recording: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service(service, implementation, options) {
      if (!options) {
        const spec = createServiceImplSpec(service as DescService, implementation as never);
        for (const method of Object.values(spec.methods)) record(method);
      }
      router.service(service, implementation, options);
      return recording;
    },
    rpc(method, implementation, options) {
      if (!options)
        record(createMethodImplSpec(method as DescMethod, implementation as never) as MethodImplSpec);
      router.rpc(method, implementation, options);
      return recording;
    },
  };
  return recording;
}

/**
 * Serves Connect-protocol unary calls with a binary Protobuf body (what createRpcClient sends)
 * directly on the Node request and response, with the same interceptors, deadline handling and
 * error bodies as connect's handler (docs/adr/0020). Returns false for any other request (gRPC,
 * gRPC-Web, JSON, GET, compressed bodies, unknown paths), which connect's adapter then serves.
 */
export function createUnaryServer(options: {
  routes: UnaryRoutes;
  interceptors: readonly Interceptor[];
  maxTimeoutMs: number;
}): (req: Request, res: Response) => boolean {
  const interceptors = [...options.interceptors];
  return (req, res) => {
    if (req.method !== "POST" || req.url === undefined) return false;
    const spec = options.routes.get(req.url);
    if (!spec) return false;
    const headers = req.headers;
    if (headers["content-type"] !== "application/proto") return false;
    const encoding = headers["content-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    const version = headers["connect-protocol-version"];
    if (version !== undefined && version !== "1") return false;
    serve(spec, req, res, interceptors, options.maxTimeoutMs).catch(() => {
      // Only writing the answer can fail here (a stream that broke underneath, a header HTTP/2
      // refuses): reset rather than send an empty 200.
      res.destroy();
    });
    return true;
  };
}

async function serve(
  spec: UnarySpec,
  req: Request,
  res: Response,
  interceptors: Interceptor[],
  maxTimeoutMs: number,
): Promise<void> {
  const requestHeader = headersFromNode(req.headers);
  const controller = new AbortController();
  const timeout = parseTimeout(requestHeader.get("connect-timeout-ms"), maxTimeoutMs);
  const deadline = timeout.timeoutMs === undefined ? undefined : Date.now() + timeout.timeoutMs;
  const timer =
    timeout.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
          timeout.timeoutMs,
        );
  // The caller went away (or cancelled the stream) before the answer was written. (An HTTP/2
  // response reports writableFinished once its stream is gone, whoever closed it.)
  let answered = false;
  let closed = false;
  res.once("close", () => {
    closed = true;
    if (!answered) controller.abort(new ConnectError("the caller cancelled the call", Code.Canceled));
  });
  const context: HandlerContext = {
    service: spec.method.parent,
    method: spec.method,
    protocolName: "connect",
    requestMethod: "POST",
    url: `http://${requestHeader.get("host") ?? (req.headers[":authority"] as string | undefined) ?? "localhost"}${req.url}`,
    signal: controller.signal,
    timeoutMs: () => (deadline === undefined ? undefined : deadline - Date.now()),
    requestHeader,
    responseHeader: new Headers(),
    responseTrailer: new Headers(),
    values: createContextValues(),
  };

  let status = 200;
  let body: Uint8Array;
  try {
    if (timeout.error) throw timeout.error;
    const input = decode(spec, await readBody(req));
    const output = await invokeUnaryImplementation(spec, context, input, interceptors);
    body = toBinary(spec.method.output, output);
    context.responseHeader.set("content-type", "application/proto");
  } catch (thrown) {
    const error =
      thrown instanceof ConnectError
        ? thrown
        : new ConnectError("internal error", Code.Internal, undefined, undefined, thrown);
    status = codeToHttpStatus(error.code);
    context.responseHeader.set("content-type", "application/json");
    error.metadata.forEach((value, name) => {
      context.responseHeader.set(name, value);
    });
    body = errorToJsonBytes(error, {});
  } finally {
    clearTimeout(timer);
  }
  answered = true;
  if (!controller.signal.aborted) controller.abort(callEnded);
  if (closed || res.writableEnded) return;
  const out: Record<string, string> = { "content-length": String(body.byteLength) };
  context.responseHeader.forEach((value, name) => {
    out[name] = value;
  });
  // Connect carries a unary call's trailers as `trailer-` headers.
  context.responseTrailer.forEach((value, name) => {
    out[`trailer-${name}`] = value;
  });
  (res as ServerResponse).writeHead(status, out);
  res.end(body);
}

function readBody(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: ConnectError) => {
      if (settled) return;
      settled = true;
      req.removeAllListeners("data");
      req.resume();
      reject(error);
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxUnaryRequestBytes) {
        // connect's own words for its readMaxBytes, so a caller reads the same on either path.
        fail(
          new ConnectError(
            `message size is larger than configured readMaxBytes ${maxUnaryRequestBytes}`,
            Code.ResourceExhausted,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    // A caller that resets the stream before its body ends: no 'end' comes, and no handler runs.
    // (A body shorter than its content-length is such a reset: HTTP/2 refuses it.)
    const cancelled = () =>
      fail(new ConnectError("the caller cancelled the call before its request ended", Code.Canceled));
    req.once("aborted", cancelled);
    req.once("close", cancelled);
    req.once("error", (error) =>
      fail(
        new ConnectError("the request body could not be read", Code.Canceled, undefined, undefined, error),
      ),
    );
  });
}

function decode(spec: UnarySpec, body: Buffer) {
  try {
    return fromBinary(spec.method.input, body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConnectError(
      `the request body is not a ${spec.method.input.typeName}: ${detail}`,
      Code.InvalidArgument,
    );
  }
}
