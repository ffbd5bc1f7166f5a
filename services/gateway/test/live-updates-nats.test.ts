import { create } from "@bufbuild/protobuf";
import { eventSubjects } from "@mercato/contracts/events";
import { Category, NotificationSchema } from "@mercato/contracts/mercato/notifications/v1/notifications_pb";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { createLogger, NatsEventBus, parseConfig } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { type NatsServer, startNatsServer, waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../src/app.js";
import { gatewayConfigSchema } from "../src/config.js";
import { notificationsGatewayModule } from "../src/modules/notifications/index.js";
import { notificationSubscription, orderSubscription, signedInClient, sockets } from "./graphql-ws-client.js";
import { issuerAuthenticator, signedIn } from "./module-harness.js";

/** The types the notifications SDL borrows from the catalog and orders modules. */
const borrowed = {
  name: "borrowed",
  schema: /* GraphQL */ `
    type PageInfo {
      hasNextPage: Boolean!
      endCursor: String
    }
    enum OrderStatus {
      PLACED
      ACCEPTED
      SHIPPED
      DELIVERED
      COMPLETED
      CANCELLED
    }
  `,
};

// Distributed mode: two gateway replicas, each with its own NATS connection and a core (ephemeral)
// subscription, on a private NATS server; a service's outbox relay publishes through JetStream.
describe("live updates through NATS, one ephemeral subscription per gateway replica", () => {
  let nats: NatsServer;
  let issuer: TestIssuer;
  let publisher: NatsEventBus;
  const buses: NatsEventBus[] = [];
  const replicas: Gateway[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    issuer = await createTestIssuer();
    publisher = await NatsEventBus.connect({ url: nats.url, name: "orders" });
    for (let i = 0; i < 2; i++) {
      const bus = await NatsEventBus.connect({ url: nats.url, name: `gateway-${i}` });
      buses.push(bus);
      const gateway = await createGateway({
        config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test" }),
        services: [{ name: "notifications", url: "http://127.0.0.1:1" }],
        modules: [notificationsGatewayModule(), borrowed],
        logger: createLogger({ service: "gateway", level: "silent" }),
        authenticate: issuerAuthenticator(issuer),
        events: bus,
      });
      await gateway.app.listen({ host: "127.0.0.1", port: 0 });
      replicas.push(gateway);
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    for (const gateway of replicas) await gateway.app.close();
    for (const bus of [...buses, publisher]) await bus?.close();
    await issuer?.close();
    await nats?.dispose();
  });

  const shipped = (buyerId: string, sellerId: string) =>
    eventEnvelope(
      eventSubjects.orders.orderShipped.subject,
      OrderStatusChangedSchema,
      create(OrderStatusChangedSchema, {
        orderId: uuidv7(),
        buyerId,
        sellerOwnerId: sellerId,
        status: "shipped",
        previousStatus: "accepted",
        trackingNumber: "TRACK-NATS",
        carrier: "UPS",
      }),
    );

  it("hands each event to the clients of every replica it belongs to, once, and to no one else", async () => {
    const [first, second] = replicas as [Gateway, Gateway];
    const buyer = await signedIn(issuer);
    const seller = await signedIn(issuer, { roles: ["seller"] });
    const stranger = await signedIn(issuer);
    const buyerOnFirst = await signedInClient(first, buyer);
    const buyerOnSecond = await signedInClient(second, buyer);
    const sellerOnSecond = await signedInClient(second, seller);
    const strangerOnFirst = await signedInClient(first, stranger);
    const clients = [buyerOnFirst, buyerOnSecond, sellerOnSecond, strangerOnFirst];
    for (const client of clients) {
      client.subscribe("orders", orderSubscription);
      client.subscribe("inbox", notificationSubscription);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));

    const event = shipped(buyer.id, seller.id);
    await publisher.publish(event);
    // An outbox relay that publishes the same event again reaches core subscribers again: dropped.
    await publisher.publish(event);
    await publisher.publish(
      eventEnvelope(
        eventSubjects.notifications.notificationCreated.subject,
        eventSubjects.notifications.notificationCreated.schema,
        create(eventSubjects.notifications.notificationCreated.schema, {
          recipientId: seller.id,
          notification: create(NotificationSchema, {
            id: uuidv7(),
            kind: "order.placed",
            category: Category.TRANSACTIONAL,
            title: "New order",
            body: "Someone bought from you.",
            data: { order_id: "o-1" },
          }),
        }),
      ),
    );
    await waitFor(
      () =>
        [buyerOnFirst, buyerOnSecond, sellerOnSecond].every((c) => c.data("orders").length === 1) &&
        sellerOnSecond.data("inbox").length === 1,
      { timeoutMs: 5_000, message: "not every replica delivered" },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const client of [buyerOnFirst, buyerOnSecond, sellerOnSecond]) {
      expect(client.data("orders")).toEqual([
        {
          data: {
            orderStatusChanged: expect.objectContaining({
              status: "SHIPPED",
              trackingNumber: "TRACK-NATS",
              carrier: "UPS",
            }),
          },
        },
      ]);
    }
    expect(sellerOnSecond.data("inbox")).toEqual([
      {
        data: {
          notificationReceived: expect.objectContaining({
            kind: "order.placed",
            data: [{ name: "order_id", value: "o-1" }],
          }),
        },
      },
    ]);
    expect(buyerOnFirst.data("inbox")).toEqual([]);
    expect(strangerOnFirst.data("orders")).toEqual([]);
    expect(strangerOnFirst.data("inbox")).toEqual([]);
    for (const client of clients) client.close();
  });

  it("goes on delivering events published after NATS came back", async () => {
    const [first] = replicas as [Gateway, Gateway];
    const buyer = await signedIn(issuer);
    const client = await signedInClient(first, buyer);
    client.subscribe("orders", orderSubscription);
    await nats.stop();
    await nats.start();
    await waitFor(
      async () => {
        await publisher.publish(shipped(buyer.id, uuidv7()));
        await new Promise((resolve) => setTimeout(resolve, 200));
        return client.data("orders").length > 0;
      },
      { timeoutMs: 15_000, message: "no delivery after NATS came back" },
    );
    client.close();
  });
});
