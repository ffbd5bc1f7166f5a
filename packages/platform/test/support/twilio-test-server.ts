import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the Twilio test server received. */
export interface RecordedTwilioRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

/** How the server answers one request: a status and a JSON body, or `"hang"` to never answer. */
export type TwilioTestReply = { status: number; body: unknown } | "hang";

/** A local HTTP server that answers like the Twilio Messages API and records every request. */
export interface TwilioTestServer {
  /** `http://127.0.0.1:port`, to pass as `baseUrl`. */
  baseUrl: string;
  requests: RecordedTwilioRequest[];
  /** Decides the answer; default: 201 with a fresh `SM…` sid, like Twilio for a queued message. */
  reply: (request: RecordedTwilioRequest) => TwilioTestReply;
  /** The sids answered with 201 so far, in order. */
  sids: string[];
  close(): Promise<void>;
}

/** Starts the Twilio test server on a free loopback port. */
export async function startTwilioTestServer(): Promise<TwilioTestServer> {
  const state: TwilioTestServer = {
    baseUrl: "",
    requests: [],
    sids: [],
    reply: (request) => {
      const sid = `SM${randomBytes(16).toString("hex")}`;
      const account = /\/Accounts\/([^/]+)\//.exec(request.path)?.[1];
      return {
        status: 201,
        body: {
          sid,
          account_sid: account,
          to: request.form.To,
          from: request.form.From,
          body: request.form.Body,
          status: "queued",
        },
      };
    },
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    const request: RecordedTwilioRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      form: Object.fromEntries(new URLSearchParams(await readBody(req))),
    };
    state.requests.push(request);
    const reply = state.reply(request);
    if (reply === "hang") return;
    if (reply.status === 201) {
      const sid = (reply.body as { sid?: unknown }).sid;
      if (typeof sid === "string") state.sids.push(sid);
    }
    res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
