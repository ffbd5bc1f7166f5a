import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import net, { type Socket } from "node:net";

/** A request handler that serves HTTP/1.1 and HTTP/2 requests alike. */
export type DualHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

/** A listening HTTP server. */
export interface Listening {
  port: number;
  host: string;
  /** `http://host:port`. */
  url: string;
  /** Stops accepting, waits up to `graceMs` (default 2 000) for open requests, then cuts connections. */
  close(graceMs?: number): Promise<void>;
}

const http2Preface = Buffer.from("PRI * HTTP/2.0");

/**
 * Listens on one port for both HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c), telling
 * them apart by the connection preface: gRPC clients speak h2c, while probes, `curl` and the
 * Connect JSON protocol may speak HTTP/1.1.
 */
export async function listenDual(options: {
  host: string;
  port: number;
  handler: DualHandler;
}): Promise<Listening> {
  const h1 = http.createServer({ keepAliveTimeout: 65_000 }, options.handler);
  const h2 = http2.createServer({}, options.handler);
  const sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      const isHttp2 = chunk
        .subarray(0, http2Preface.length)
        .equals(http2Preface.subarray(0, Math.min(chunk.length, http2Preface.length)));
      if (isHttp2) {
        // The HTTP/2 session reads the bytes put back with unshift itself; resuming would drop them.
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  const hostForUrl = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    port: address.port,
    host: address.address,
    url: `http://${hostForUrl}:${address.port}`,
    close: async (graceMs = 2_000) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      h1.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      h2.close();
      h1.close();
      // Graceful: each session finishes its open streams, then closes; idle ones close at once.
      for (const session of sessions) session.close();
      await closed;
      clearTimeout(timer);
    },
  };
}
