import { createDecipheriv, createECDH, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";

/**
 * A certificate for 127.0.0.1 and localhost valid from 2020 to 2120, made for these tests only (its key is public
 * here, so it proves nothing): `web-push` speaks only https, so the local push service needs one.
 */
export const webPushTestCertificate = `-----BEGIN CERTIFICATE-----
MIIBZzCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPmx9U9fiA1d8Bxb
vhf7it3rMJPJCzKYZIp55MWO21Iyj6B7mKHF7VjS/Rlv7if0eq8m6zGnf65hPtjk
of0013ajTjBMMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYcEfwAAAYIJbG9j
YWxob3N0MB0GA1UdDgQWBBTIj8XmIfJ+NFcSalqXOeSouOzgwzAKBggqhkjOPQQD
AgNIADBFAiBF0BS7bTxpL6nOPhjhk4xKKFNPJ1f3buMwU57iPtc0TwIhAPYJjd4C
MovoBbPt7WI5NpPPRloOwQf1F3PeUl0o/0dp
-----END CERTIFICATE-----
`;

const webPushTestKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKkOv/SUHnoKbbfCP
pdbpHH0DjAS3e9+G7J96njqAUAihRANCAAT5sfVPX4gNXfAcW74X+4rd6zCTyQsy
mGSKeeTFjttSMo+ge5ihxe1Y0v0Zb+4n9HqvJusxp3+uYT7Y5KH9NNd2
-----END PRIVATE KEY-----
`;

/** One push message the Web Push test server received. */
export interface RecordedWebPush {
  /** The subscription's endpoint the message was posted to. */
  endpoint: string;
  /** The `Authorization` header (`vapid t=<jwt>, k=<public key>`). */
  authorization: string | undefined;
  /** The VAPID public key (`k`) when the JWT verified with it for this server's origin, else undefined. */
  vapidKey: string | undefined;
  ttl: string | undefined;
  contentEncoding: string | undefined;
  /** The decrypted payload parsed as JSON, or undefined when it did not decrypt. */
  payload: unknown;
}

/** How the server answers one message: a status with a text body, or `"hang"` to never answer. */
export type WebPushTestReply = { status: number; body?: string } | "hang";

/** A subscription as a browser's `PushSubscription.toJSON()` gives it. */
export interface WebPushTestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A local HTTPS server that acts as a browser's push service and decrypts what it receives. */
export interface WebPushTestServer {
  /** `https://127.0.0.1:port`. */
  origin: string;
  /** Every message received, in order. */
  requests: RecordedWebPush[];
  /** Messages answered 201, in the order answered. */
  delivered: RecordedWebPush[];
  /** A new subscription of a browser on this server, as the JSON string a client stores as its token. */
  subscribe(): string;
  /** Makes every message to `token`'s subscription answer `reply`. */
  replyFor(token: string, reply: WebPushTestReply): void;
  close(): Promise<void>;
}

interface Subscriber {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  reply: WebPushTestReply;
}

/** Starts the Web Push test server on a free loopback port; trust `webPushTestCertificate` to reach it. */
export async function startWebPushTestServer(): Promise<WebPushTestServer> {
  const subscribers = new Map<string, Subscriber>();
  const state: WebPushTestServer = {
    origin: "",
    requests: [],
    delivered: [],
    subscribe: () => {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomUUID();
      subscribers.set(id, { ecdh, auth, reply: { status: 201 } });
      const subscription: WebPushTestSubscription = {
        endpoint: `${state.origin}/push/${id}`,
        keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
      };
      return JSON.stringify(subscription);
    },
    replyFor: (token, reply) => {
      const id = /\/push\/([^/]+)$/.exec((JSON.parse(token) as WebPushTestSubscription).endpoint)?.[1] ?? "";
      const subscriber = subscribers.get(id);
      if (!subscriber) throw new Error("replyFor: not a subscription of this server");
      subscriber.reply = reply;
    },
    close: async () => undefined,
  };

  const server = createServer({ cert: webPushTestCertificate, key: webPushTestKey }, async (req, res) => {
    const body = await readBody(req);
    const id = /^\/push\/([^/]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const subscriber = subscribers.get(id);
    if (req.method !== "POST" || !subscriber) {
      res.writeHead(404).end("no such subscription");
      return;
    }
    const request: RecordedWebPush = {
      endpoint: `${state.origin}${req.url}`,
      authorization: req.headers.authorization,
      vapidKey: await verifiedVapidKey(req.headers.authorization, state.origin),
      ttl: header(req, "ttl"),
      contentEncoding: header(req, "content-encoding"),
      payload: decrypt(body, subscriber),
    };
    state.requests.push(request);
    const reply = subscriber.reply;
    if (reply === "hang") return;
    if (reply.status === 201) state.delivered.push(request);
    res.writeHead(reply.status, { "content-type": "text/plain" }).end(reply.body ?? "");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  state.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** The `k` of a `vapid t=…, k=…` header whose JWT verifies with it (ES256, `aud` this origin, a `sub`), else undefined. */
async function verifiedVapidKey(
  authorization: string | undefined,
  origin: string,
): Promise<string | undefined> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!match) return undefined;
  const [, jwt = "", k = ""] = match;
  const point = Buffer.from(k, "base64url");
  if (point.length !== 65 || point[0] !== 4) return undefined;
  try {
    if (decodeProtectedHeader(jwt).alg !== "ES256") return undefined;
    const key = await importJWK(
      {
        kty: "EC",
        crv: "P-256",
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33).toString("base64url"),
      },
      "ES256",
    );
    const { payload } = await jwtVerify(jwt, key, { audience: origin, requiredClaims: ["exp", "sub"] });
    return typeof payload.sub === "string" ? k : undefined;
  } catch {
    return undefined;
  }
}

/** The aes128gcm (RFC 8188, RFC 8291) payload of one record decrypted and parsed as JSON, or undefined. */
function decrypt(body: Buffer, subscriber: Subscriber): unknown {
  try {
    const salt = body.subarray(0, 16);
    const idLength = body[20] ?? 0;
    const senderKey = body.subarray(21, 21 + idLength);
    const record = body.subarray(21 + idLength);
    const secret = subscriber.ecdh.computeSecret(senderKey);
    const keyInfo = Buffer.concat([
      Buffer.from("WebPush: info\0"),
      subscriber.ecdh.getPublicKey(),
      senderKey,
    ]);
    const ikm = Buffer.from(hkdfSync("sha256", secret, subscriber.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
    const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
    const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // The last record ends with the delimiter 0x02 and zero padding.
    const end = padded.lastIndexOf(2);
    return JSON.parse(padded.subarray(0, end).toString("utf8"));
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
