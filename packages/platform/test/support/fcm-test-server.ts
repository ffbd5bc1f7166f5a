import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { exportPKCS8, generateKeyPair, jwtVerify } from "jose";
import type { FcmServiceAccount } from "../../src/messaging/fcm-push-sender.js";

/** One message FCM test server received at `messages:send`, whatever it answered. */
export interface RecordedFcmMessage {
  projectId: string;
  /** The bearer token it came with. */
  accessToken: string | undefined;
  token: string;
  notification: { title?: string; body?: string } | undefined;
  data: Record<string, string> | undefined;
}

/** How the server answers one message: a status and a JSON body, or `"hang"` to never answer. */
export type FcmTestReply = { status: number; body: unknown } | "hang";

/** FCM v1 error answers as Google sends them, for `FcmTestServer.replyFor`. */
export const fcmTestReplies = {
  /** 404 UNREGISTERED: the app was uninstalled or the token expired. */
  unregistered: (): FcmTestReply =>
    fcmError(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found."),
  /** 400 INVALID_ARGUMENT naming `message.token`. */
  invalidToken: (): FcmTestReply => ({
    status: 400,
    body: {
      error: {
        code: 400,
        message: "The registration token is not a valid FCM registration token",
        status: "INVALID_ARGUMENT",
        details: [
          { "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "INVALID_ARGUMENT" },
          {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            fieldViolations: [{ field: "message.token", description: "Invalid registration token" }],
          },
        ],
      },
    },
  }),
  /** 400 INVALID_ARGUMENT about the message, not the token. */
  invalidMessage: (): FcmTestReply =>
    fcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Message is too big"),
  /** 503 UNAVAILABLE: FCM is overloaded. */
  unavailable: (): FcmTestReply =>
    fcmError(503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable."),
  /** 429 QUOTA_EXCEEDED: the project's sending rate is over its quota. */
  quotaExceeded: (): FcmTestReply =>
    fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded for quota metric 'Send requests'"),
};

function fcmError(status: number, grpcStatus: string, errorCode: string, message: string): FcmTestReply {
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        status: grpcStatus,
        details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }],
      },
    },
  };
}

/** A local HTTP server that answers like Google's OAuth token endpoint and FCM HTTP v1, and records what it received. */
export interface FcmTestServer {
  /** `http://127.0.0.1:port`, to pass as `baseUrl`. */
  baseUrl: string;
  /** A service account whose `token_uri` is this server and whose key it verifies assertions with. */
  credentials: FcmServiceAccount;
  /** Every message received, in the order received (including refused ones). */
  messages: RecordedFcmMessage[];
  /** Messages answered 200, in the order answered. */
  sent: RecordedFcmMessage[];
  /** Access tokens issued at `token_uri`, in order. */
  accessTokens: string[];
  /** Token requests refused (bad assertion, signature, claims). */
  refusedAssertions: string[];
  /** Lifetime in seconds of the access tokens issued from now on; default 3600. */
  accessTokenLifetime: number;
  /** Ms to wait before answering each message; default 0. */
  delayMs: number;
  /** The most messages the server was handling at once. */
  maxInFlight: number;
  /** Makes every message to `token` answer `reply` (see `fcmTestReplies`). */
  replyFor(token: string, reply: FcmTestReply): void;
  /** Decides the answer; default: the `replyFor` answer of the token, else 200 with a message name. */
  reply: (message: RecordedFcmMessage) => FcmTestReply;
  /** Makes every access token issued so far answer 401, as when Google revokes or expires it early. */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

/** Starts the FCM test server on a free loopback port with a fresh RSA service-account key. */
export async function startFcmTestServer(): Promise<FcmTestServer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const privatePem = await exportPKCS8(privateKey);
  const replies = new Map<string, FcmTestReply>();
  const valid = new Set<string>();
  let inFlight = 0;
  const state: FcmTestServer = {
    baseUrl: "",
    credentials: {
      project_id: "mercato-test",
      client_email: "push@mercato-test.iam.gserviceaccount.com",
      private_key: privatePem,
      private_key_id: randomBytes(20).toString("hex"),
      token_uri: "",
    },
    messages: [],
    sent: [],
    accessTokens: [],
    refusedAssertions: [],
    accessTokenLifetime: 3600,
    delayMs: 0,
    maxInFlight: 0,
    replyFor: (token, reply) => {
      replies.set(token, reply);
    },
    reply: (message) =>
      replies.get(message.token) ?? {
        status: 200,
        body: { name: `projects/${message.projectId}/messages/${randomBytes(8).toString("hex")}` },
      },
    revokeAccessTokens: () => valid.clear(),
    close: async () => undefined,
  };

  async function token(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const form = new URLSearchParams(await readBody(req));
    const assertion = form.get("assertion") ?? "";
    try {
      if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
        throw new Error("grant_type must be jwt-bearer");
      }
      const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
        algorithms: ["RS256"],
        issuer: state.credentials.client_email,
        audience: state.credentials.token_uri,
        requiredClaims: ["iat", "exp"],
      });
      if (payload.scope !== "https://www.googleapis.com/auth/firebase.messaging") {
        throw new Error("scope must be firebase.messaging");
      }
      if (protectedHeader.kid !== state.credentials.private_key_id)
        throw new Error("kid must be private_key_id");
    } catch (error) {
      state.refusedAssertions.push(error instanceof Error ? error.message : String(error));
      return { status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT Signature." } };
    }
    const accessToken = `ya29.test-${randomBytes(12).toString("hex")}`;
    state.accessTokens.push(accessToken);
    valid.add(accessToken);
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: state.accessTokenLifetime, token_type: "Bearer" },
    };
  }

  async function send(req: IncomingMessage, projectId: string): Promise<FcmTestReply> {
    const accessToken = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const parsed = JSON.parse(await readBody(req)) as {
      message?: {
        token?: string;
        notification?: { title?: string; body?: string };
        data?: Record<string, string>;
      };
    };
    const message: RecordedFcmMessage = {
      projectId,
      accessToken,
      token: parsed.message?.token ?? "",
      notification: parsed.message?.notification,
      data: parsed.message?.data,
    };
    state.messages.push(message);
    if (accessToken === undefined || !valid.has(accessToken)) {
      return fcmError(
        401,
        "UNAUTHENTICATED",
        "THIRD_PARTY_AUTH_ERROR",
        "Request had invalid authentication credentials.",
      );
    }
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    const reply = state.reply(message);
    if (reply !== "hang" && reply.status === 200) state.sent.push(message);
    return reply;
  }

  const server = createServer(async (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      const path = req.url ?? "";
      const project = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path)?.[1];
      let reply: FcmTestReply;
      if (req.method === "POST" && path === "/token") reply = await token(req);
      else if (req.method === "POST" && project !== undefined)
        reply = await send(req, decodeURIComponent(project));
      else
        reply = {
          status: 404,
          body: { error: { code: 404, message: "no such route", status: "NOT_FOUND" } },
        };
      if (reply === "hang") return;
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.credentials.token_uri = `${state.baseUrl}/token`;
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
