import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { waitFor } from "@mercato/testing";
import { v7 as uuidv7 } from "uuid";
import { afterAll, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { maxConnectionsPerUser, maxSubscriptionsPerConnection } from "../src/live.js";
import {
  type Client,
  connect,
  notificationSubscription,
  orderSubscription,
  signedInClient,
  sockets,
} from "./graphql-ws-client.js";
import { notificationsFixture } from "./notifications-fixture.js";

describe("live notifications and order updates over a GraphQL subscription", () => {
  const { signIn, publish, gateway, replica, withoutBus, user, shortLived, rest, graphql } =
    notificationsFixture();

  afterAll(() => {
    for (const socket of sockets) socket.terminate();
  });

  const listening = async (started: Gateway) => {
    if (!started.app.server.listening) await started.app.listen({ host: "127.0.0.1", port: 0 });
    return started;
  };

  /** What the orders service publishes when an order of `buyerId`, sold by `sellerId`, changes status. */
  const orderChange = (
    subject: { subject: string; schema: typeof OrderStatusChangedSchema },
    order: { id: string; buyerId: string; sellerId: string },
    status: string,
    previousStatus: string,
    shipping: { trackingNumber?: string; carrier?: string } = {},
  ) =>
    publish(
      subject,
      create(OrderStatusChangedSchema, {
        orderId: order.id,
        checkoutId: uuidv7(),
        buyerId: order.buyerId,
        storefrontId: uuidv7(),
        sellerOwnerId: order.sellerId,
        status,
        previousStatus,
        actorId: order.sellerId,
        changedAt: timestampFromDate(new Date("2026-12-04T10:00:00Z")),
        ...shipping,
      }),
    );

  /** Until the server has set the subscriptions up: the topics have listeners. */
  const subscribed = async (client: Client, ids: string[]) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const id of ids) expect(client.errors(id)).toEqual([]);
  };

  it("tells the buyer and the seller of each status change of their order, and the buyer of the new notification; another user hears nothing", async () => {
    const app = await listening(gateway());
    const buyer = await signIn();
    const seller = await user(["seller"]);
    const stranger = await signIn();
    const buyerClient = await signedInClient(app, buyer);
    const sellerClient = await signedInClient(app, seller);
    const strangerClient = await signedInClient(app, stranger);
    for (const client of [buyerClient, sellerClient, strangerClient]) {
      client.subscribe("orders", orderSubscription);
      client.subscribe("inbox", notificationSubscription);
    }
    for (const client of [buyerClient, sellerClient, strangerClient])
      await subscribed(client, ["orders", "inbox"]);

    const order = { id: uuidv7(), buyerId: buyer.id, sellerId: seller.id };
    await orderChange(eventSubjects.orders.orderAccepted, order, "accepted", "placed");
    await orderChange(eventSubjects.orders.orderShipped, order, "shipped", "accepted", {
      trackingNumber: "TRACK-LIVE-1",
      carrier: "DHL",
    });
    await waitFor(() => buyerClient.data("orders").length === 2 && sellerClient.data("orders").length === 2, {
      timeoutMs: 5_000,
      message: "order updates not delivered",
    });
    const expected = [
      {
        data: {
          orderStatusChanged: {
            orderId: order.id,
            status: "ACCEPTED",
            previousStatus: "PLACED",
            trackingNumber: null,
            carrier: null,
            changedAt: "2026-12-04T10:00:00.000Z",
          },
        },
      },
      {
        data: {
          orderStatusChanged: {
            orderId: order.id,
            status: "SHIPPED",
            previousStatus: "ACCEPTED",
            trackingNumber: "TRACK-LIVE-1",
            carrier: "DHL",
            changedAt: "2026-12-04T10:00:00.000Z",
          },
        },
      },
    ];
    expect(buyerClient.data("orders")).toEqual(expected);
    expect(sellerClient.data("orders")).toEqual(expected);

    // The notifications service tells the buyer of each change in-app; each new one reaches the buyer live.
    type Received = { data: { notificationReceived: { id: string; kind: string; body: string } } };
    await waitFor(() => buyerClient.data("inbox").length === 2, {
      timeoutMs: 10_000,
      message: "the new notifications were not delivered",
    });
    const notifications = (buyerClient.data("inbox") as Received[]).map((n) => n.data.notificationReceived);
    expect(notifications.map((n) => n.kind).sort()).toEqual(["order.accepted", "order.shipped"]);
    const shipped = notifications.find((n) => n.kind === "order.shipped");
    expect(shipped).toMatchObject({
      category: "TRANSACTIONAL",
      body: expect.stringContaining("TRACK-LIVE-1"),
      data: expect.arrayContaining([{ name: "tracking_number", value: "TRACK-LIVE-1" }]),
      readAt: null,
    });
    const inbox = (await rest("GET", "/notifications", buyer)).json().items as { id: string }[];
    expect(inbox.map((n) => n.id).sort()).toEqual(notifications.map((n) => n.id).sort());

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(strangerClient.data("orders")).toEqual([]);
    expect(strangerClient.data("inbox")).toEqual([]);
    for (const client of [buyerClient, sellerClient, strangerClient]) client.close();
  });

  it("refuses a connection without a token, with a bad token, and the older subprotocol", async () => {
    const app = await listening(gateway());
    for (const init of [
      undefined,
      {},
      { authorization: "Bearer not-a-token" },
      { authorization: "Basic eDp5" },
    ]) {
      const client = await connect(app, init);
      expect(client.refusedUpgrade).toBe(false);
      if (client.refusedUpgrade) continue;
      expect(client.acked).toBe(false);
      expect(client.messages[0]).toMatchObject({ type: "connection_error" });
      await waitFor(() => client.closed() !== undefined, { timeoutMs: 5_000, message: "socket left open" });
    }
    const legacy = await connect(app, undefined, "graphql-ws");
    expect(legacy.refusedUpgrade).toBe(true);
  });

  it("closes a connection that sends connection_init twice with 4429, and frees its place", async () => {
    const app = await listening(gateway());
    const buyer = await user();
    const client = await signedInClient(app, buyer);
    client.init({ authorization: buyer.headers.authorization });
    await waitFor(() => client.closed() !== undefined, { timeoutMs: 5_000, message: "socket left open" });
    expect(client.closed()).toBe(4429);
    const clients: Client[] = [];
    for (let i = 0; i < maxConnectionsPerUser; i++) clients.push(await signedInClient(app, buyer));
    for (const open of clients) open.close();
  });

  it("delivers through every gateway replica on the bus to that replica's own clients", async () => {
    const first = await listening(gateway());
    const second = await listening(await replica());
    const buyer = await signIn();
    const onFirst = await signedInClient(first, buyer);
    const onSecond = await signedInClient(second, buyer);
    onFirst.subscribe("orders", orderSubscription);
    onSecond.subscribe("orders", orderSubscription);
    await subscribed(onFirst, ["orders"]);
    await subscribed(onSecond, ["orders"]);
    const order = { id: uuidv7(), buyerId: buyer.id, sellerId: uuidv7() };
    await orderChange(eventSubjects.orders.orderDelivered, order, "delivered", "shipped");
    await waitFor(() => onFirst.data("orders").length === 1 && onSecond.data("orders").length === 1, {
      timeoutMs: 5_000,
      message: "not every replica delivered",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Each replica delivered once, to its own client.
    expect(onFirst.data("orders")).toHaveLength(1);
    expect(onSecond.data("orders")).toHaveLength(1);
    onFirst.close();
    onSecond.close();
  });

  it(`holds at most ${maxSubscriptionsPerConnection} subscriptions per connection and ${maxConnectionsPerUser} connections per user`, async () => {
    const app = await listening(gateway());
    const buyer = await user();
    const client = await signedInClient(app, buyer);
    for (let i = 0; i <= maxSubscriptionsPerConnection; i++) client.subscribe(`s${i}`, orderSubscription);
    const over = `s${maxSubscriptionsPerConnection}`;
    await waitFor(() => client.errors(over).length === 1, { timeoutMs: 5_000, message: "no refusal" });
    expect(client.errors(over)[0]).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(`at most ${maxSubscriptionsPerConnection} subscriptions`),
        extensions: { code: "RESOURCE_EXHAUSTED" },
      }),
    ]);
    // Completing one makes room for another.
    client.complete("s0");
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.subscribe("again", orderSubscription);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.errors("again")).toEqual([]);

    const more: Client[] = [client];
    for (let i = 1; i < maxConnectionsPerUser; i++) more.push(await signedInClient(app, buyer));
    const refused = await connect(app, { authorization: buyer.headers.authorization });
    expect(refused.refusedUpgrade === false && refused.acked).toBe(false);
    more.pop()?.close();
    await waitFor(
      async () => {
        const retry = await connect(app, { authorization: buyer.headers.authorization });
        return retry.refusedUpgrade === false && retry.acked;
      },
      { timeoutMs: 5_000, message: "a closed connection did not free its place" },
    );
    for (const open of more) open.close();
  });

  it("applies the GraphQL limits to subscription documents", async () => {
    const app = await listening(await replica({ GRAPHQL_MAX_DEPTH: "2", GRAPHQL_MAX_ALIASES: "1" }));
    const client = await signedInClient(app, await user());
    client.subscribe("deep", "subscription { notificationReceived { data { name } } }");
    client.subscribe(
      "aliases",
      "subscription { a: orderStatusChanged { orderId } b: orderStatusChanged { orderId } }",
    );
    client.subscribe("unknown", "subscription { orderStatusChanged { nonsense } }");
    await waitFor(() => ["deep", "aliases", "unknown"].every((id) => client.errors(id).length === 1), {
      timeoutMs: 5_000,
      message: "documents past the limits were not refused",
    });
    const first = (id: string) => (client.errors(id)[0] as { message: string; extensions?: unknown }[])[0];
    expect(first("deep")).toMatchObject({
      message: expect.stringMatching(/depth/i),
      extensions: { code: "INVALID_ARGUMENT" },
    });
    expect(first("aliases")).toMatchObject({
      message: expect.stringMatching(/alias/i),
      extensions: { code: "INVALID_ARGUMENT" },
    });
    expect(first("unknown")).toMatchObject({
      message: expect.stringContaining("nonsense"),
      extensions: { code: "INVALID_ARGUMENT" },
    });
    client.close();
  });

  it("completes a subscription once the token it was authorised with has expired", async () => {
    const app = await listening(gateway());
    const client = await signedInClient(app, await shortLived(2));
    client.subscribe("orders", orderSubscription);
    await subscribed(client, ["orders"]);
    expect(client.messages.some((m) => m.id === "orders" && m.type === "complete")).toBe(false);
    await waitFor(() => client.messages.some((m) => m.id === "orders" && m.type === "complete"), {
      timeoutMs: 5_000,
      message: "the subscription outlived its token",
    });
    client.close();
  });

  it("refuses a subscription sent over HTTP, pointing at the WebSocket", async () => {
    const response = await graphql(orderSubscription, {}, await user());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      errors: [
        expect.objectContaining({
          message: expect.stringContaining("subscriptions run over WebSocket"),
          extensions: expect.objectContaining({ code: "INVALID_ARGUMENT" }),
        }),
      ],
    });
  });

  it("answers that live updates are off on a gateway without a bus", async () => {
    const app = await listening(await withoutBus());
    const client = await signedInClient(app, await user());
    client.subscribe("orders", orderSubscription);
    await waitFor(() => client.errors("orders").length === 1, { timeoutMs: 5_000, message: "no answer" });
    expect(client.errors("orders")[0]).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("live updates are off"),
        extensions: { code: "SERVICE_UNAVAILABLE" },
      }),
    ]);
    client.close();
  });
});
