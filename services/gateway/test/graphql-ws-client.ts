import { once } from "node:events";
import { waitFor } from "@mercato/testing";
import WebSocket from "ws";
import type { Gateway } from "../src/app.js";

/** One graphql-transport-ws message. */
export interface Message {
  type: string;
  id?: string;
  payload?: unknown;
}

const protocol = "graphql-transport-ws";
/** Every socket opened, for a suite to terminate after its tests. */
export const sockets: WebSocket[] = [];

/** A WebSocket client speaking graphql-transport-ws by hand, so every message it gets can be checked. */
export async function connect(
  gateway: Gateway,
  init: Record<string, unknown> | undefined,
  subprotocol = protocol,
) {
  const address = gateway.app.server.address();
  if (!address || typeof address === "string") throw new Error("the gateway does not listen");
  const socket = new WebSocket(`ws://127.0.0.1:${address.port}/graphql`, subprotocol);
  sockets.push(socket);
  const messages: Message[] = [];
  let closed: number | undefined;
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as Message;
    if (message.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
    else messages.push(message);
  });
  socket.on("close", (code) => {
    closed = code;
  });
  const failed = once(socket, "unexpected-response").then(() => "refused" as const);
  const opened = once(socket, "open").then(() => "open" as const);
  socket.on("error", () => {});
  if ((await Promise.race([opened, failed])) === "refused") return { refusedUpgrade: true as const };
  socket.send(JSON.stringify({ type: "connection_init", payload: init }));
  await waitFor(
    () =>
      closed !== undefined ||
      messages.some((m) => m.type === "connection_ack" || m.type === "connection_error"),
    { timeoutMs: 5_000, message: "no answer to connection_init" },
  );
  const acked = messages.some((m) => m.type === "connection_ack");
  return {
    refusedUpgrade: false as const,
    acked,
    messages,
    closed: () => closed,
    subscribe(id: string, query: string) {
      socket.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));
    },
    complete(id: string) {
      socket.send(JSON.stringify({ id, type: "complete" }));
    },
    /** The `next` payloads of subscription `id`. */
    data(id: string) {
      return messages.filter((m) => m.id === id && m.type === "next").map((m) => m.payload);
    },
    errors(id: string) {
      return messages.filter((m) => m.id === id && m.type === "error").map((m) => m.payload);
    },
    init(payload: Record<string, unknown>) {
      socket.send(JSON.stringify({ type: "connection_init", payload }));
    },
    close: () => socket.close(),
  };
}

export type Client = Exclude<Awaited<ReturnType<typeof connect>>, { refusedUpgrade: true }>;

/** A connection of `user` that the gateway acknowledged. */
export async function signedInClient(
  gateway: Gateway,
  user: { headers: { authorization: string } },
): Promise<Client> {
  const client = await connect(gateway, { authorization: user.headers.authorization });
  if (client.refusedUpgrade || !client.acked) throw new Error("connection refused");
  return client;
}

/** A subscription to the caller's order status updates. */
export const orderSubscription = /* GraphQL */ `
  subscription {
    orderStatusChanged { orderId status previousStatus trackingNumber carrier changedAt }
  }
`;

/** A subscription to the caller's new notifications. */
export const notificationSubscription = /* GraphQL */ `
  subscription {
    notificationReceived { id kind category title body data { name value } createdAt readAt }
  }
`;
