import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { eventSubjects } from "@mercato/contracts/events";
import {
  Category,
  Channel,
  DevicePlatform,
  NotificationsService,
} from "@mercato/contracts/mercato/notifications/v1/notifications_pb";
import type { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { ProductStatus } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { createRpcClient, type EventEnvelope, parseMail, type RunningService } from "@mercato/platform";
import {
  type FcmTestServer,
  fcmTestReplies,
  type SmtpTestServer,
  startFcmTestServer,
  startSmtpTestServer,
} from "@mercato/platform/messaging/test-servers";
import { waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import {
  type DatabaseFixture,
  failure,
  openServiceRig,
  pgliteFixture,
  postgresFixture,
  type ServiceRig,
  startTestService,
} from "@mercato/testing/service-fixture";
import { eq } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationsService } from "../src/index.js";
import { recipients, storefronts } from "../src/store/schema.js";

type Client = ReturnType<typeof createRpcClient<typeof NotificationsService>>;

const money = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });

function event<Desc extends DescMessage>(
  subject: { subject: string; schema: Desc },
  message: MessageInitShape<Desc>,
): EventEnvelope {
  return eventEnvelope(subject.subject, subject.schema, create(subject.schema, message));
}

function describeNotifications(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let rig: ServiceRig;
    let service: RunningService;
    let client: Client;
    let smtp: SmtpTestServer;
    let fcm: FcmTestServer;
    let dataDir: string;

    beforeAll(async () => {
      smtp = await startSmtpTestServer();
      fcm = await startFcmTestServer();
      dataDir = await mkdtemp(join(tmpdir(), "mercato-notifications-"));
      rig = await openServiceRig(openFixture, "mercato.notifications.>");
      service = await startTestService(notificationsService, {
        ...rig,
        env: {
          SMTP_URL: smtp.url(),
          FCM_CREDENTIALS: JSON.stringify(fcm.credentials),
          FCM_BASE_URL: fcm.baseUrl,
          DELIVERY_BACKOFF_MS: "20",
          MARKETING_BATCH_MS: "100",
          PUBLIC_URL: "https://mercato.test",
          DATA_DIR: dataDir,
        },
      });
      client = createRpcClient(NotificationsService, { baseUrl: service.url, maxRetries: 0 });
    });

    afterAll(async () => {
      await service?.stop();
      await rig?.close();
      await smtp?.close();
      await fcm?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    const as = async (id: string, roles = ["buyer"]) => ({
      headers: { authorization: `Bearer ${await rig.issuer.sign({ sub: id, roles, email_verified: true })}` },
    });

    /** A user the service knows (its profile event arrived), with a call option carrying its token. */
    const user = async (
      options: { locale?: string; name?: string; roles?: string[]; email?: string } = {},
    ) => {
      const id = uuidv7();
      const email = options.email ?? `${id}@mail.test`;
      await rig.bus.publish(
        event(eventSubjects.users.profileCreated, {
          profile: { userId: id, email, displayName: options.name ?? "", locale: options.locale ?? "en" },
        }),
      );
      const call = await as(id, options.roles);
      // Known once its profile is applied (events of one user may otherwise race it).
      await waitFor(
        async () =>
          (await service.runtime.database.db.select().from(recipients).where(eq(recipients.userId, id)))
            .length === 1,
      );
      return { id, email, as: call };
    };

    /** A seller with a storefront the service knows. */
    const seller = async (name: string) => {
      const owner = await user({ roles: ["seller"], name: `${name} owner` });
      const storefrontId = uuidv7();
      await rig.bus.publish(
        event(eventSubjects.sellers.storefrontCreated, {
          storefront: { id: storefrontId, ownerId: owner.id, name, version: 1n },
        }),
      );
      return { ...owner, storefrontId, name };
    };

    const mailsTo = (address: string) =>
      smtp.received.filter((m) => m.rcptTo.includes(address)).map((m) => parseMail(m.raw));

    const inboxOf = async (who: { as: object }) =>
      (await client.listNotifications({}, who.as as { headers: Record<string, string> })).notifications;

    const snapshot = (sellerName: string, storefrontId: string, title: string, amount: number) => ({
      lines: [{ title, quantity: 2n, unitPrice: money(amount / 2), lineTotal: money(amount) }],
      seller: { storefrontId, name: sellerName },
      shippingAddress: {
        name: "Ada Buyer",
        address: { line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", countryCode: "DE" },
      },
      total: money(amount),
    });

    const orderEvent = (
      subject: { subject: string; schema: typeof OrderStatusChangedSchema },
      order: { id: string; buyerId: string; seller: { id: string; storefrontId: string; name: string } },
      extra: {
        checkoutId?: string;
        total?: ReturnType<typeof money>;
        snapshot?: ReturnType<typeof snapshot>;
        carrier?: string;
        trackingNumber?: string;
      } = {},
    ) =>
      event(subject, {
        orderId: order.id,
        checkoutId: uuidv7(),
        buyerId: order.buyerId,
        storefrontId: order.seller.storefrontId,
        sellerOwnerId: order.seller.id,
        total: money(900),
        snapshot: snapshot(order.seller.name, order.seller.storefrontId, "Blue bowl", 900),
        changedAt: timestampNow(),
        ...extra,
      });

    it("tells the buyer of a two-seller checkout once, and each seller by e-mail, push and in-app", async () => {
      const buyer = await user({ locale: "de-DE", name: "Ada" });
      const bakery = await seller("Bakery Berlin");
      const potter = await seller("Potter Paris");
      await client.registerDeviceToken(
        { token: `fcm-${bakery.id}`, platform: DevicePlatform.ANDROID, label: "phone" },
        bakery.as,
      );
      const checkoutId = uuidv7();
      const orders = [
        { id: uuidv7(), seller: bakery, title: "Sourdough loaf", amount: 900 },
        { id: uuidv7(), seller: potter, title: "Blue bowl", amount: 5000 },
      ];
      const completed = event(eventSubjects.orders.checkoutCompleted, {
        checkoutId,
        buyerId: buyer.id,
        orders: orders.map((o) => ({
          orderId: o.id,
          storefrontId: o.seller.storefrontId,
          sellerOwnerId: o.seller.id,
          snapshot: snapshot(o.seller.name, o.seller.storefrontId, o.title, o.amount),
        })),
        totals: [money(5900)],
        completedAt: timestampNow(),
      });
      await rig.bus.publish(completed);
      for (const o of orders)
        await rig.bus.publish(
          orderEvent(
            eventSubjects.orders.orderPlaced,
            { id: o.id, buyerId: buyer.id, seller: o.seller },
            {
              checkoutId,
              total: money(o.amount),
              snapshot: snapshot(o.seller.name, o.seller.storefrontId, o.title, o.amount),
            },
          ),
        );
      // The same event again (a redelivery): nothing more.
      await rig.bus.publish(completed);

      await waitFor(() => mailsTo(buyer.email).length === 1 && mailsTo(bakery.email).length === 1);
      await waitFor(() => mailsTo(potter.email).length === 1);
      await waitFor(() => fcm.sent.some((m) => m.token === `fcm-${bakery.id}`));
      const [confirmation] = mailsTo(buyer.email);
      expect(confirmation?.subject).toBe("Deine Bestellung über 59,00\u00a0€");
      expect(confirmation?.text).toContain("Hallo Ada,");
      expect(confirmation?.text).toContain("Bei Bakery Berlin:");
      expect(confirmation?.text).toContain("2 × Blue bowl: 50,00\u00a0€");
      expect(confirmation?.text).toContain("Unter den Linden 1");
      expect(confirmation?.html).toContain("<li>2 × Sourdough loaf: 9,00\u00a0€</li>");
      expect(mailsTo(bakery.email)[0]?.subject).toBe("New order: €9.00");
      expect(fcm.sent.filter((m) => m.token === `fcm-${bakery.id}`)).toEqual([
        expect.objectContaining({
          notification: { title: "New order", body: "Bakery Berlin has a new order for €9.00." },
          data: expect.objectContaining({ kind: "order.new", order_id: orders[0]?.id }),
        }),
      ]);
      expect((await inboxOf(buyer)).map((n) => [n.kind, n.title])).toEqual([
        ["order.placed", "Bestellung aufgegeben"],
      ]);
      expect((await inboxOf(bakery)).map((n) => n.kind)).toEqual(["order.new"]);
      expect((await inboxOf(potter)).map((n) => n.kind)).toEqual(["order.new"]);
      const live = rig.published.filter((e) => e.subject === "mercato.notifications.notification.created");
      expect(live.length).toBeGreaterThanOrEqual(3);
      // Settled: still one of each.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mailsTo(buyer.email)).toHaveLength(1);
    });

    it("e-mails the buyer the tracking number when an order ships, and keeps each step in the inbox", async () => {
      const buyer = await user();
      const shop = await seller("Lamp Works");
      const order = { id: uuidv7(), buyerId: buyer.id, seller: shop };
      await rig.bus.publish(orderEvent(eventSubjects.orders.orderAccepted, order));
      await rig.bus.publish(
        orderEvent(eventSubjects.orders.orderShipped, order, { carrier: "DHL", trackingNumber: "DHL-123" }),
      );
      await waitFor(() => mailsTo(buyer.email).length === 2);
      const shipped = mailsTo(buyer.email).find((m) => m.subject === "Order shipped");
      expect(shipped?.text).toContain("Lamp Works shipped your order (tracking DHL DHL-123).");
      // Two consumers, so either may come first.
      expect((await inboxOf(buyer)).map((n) => n.kind).sort()).toEqual(["order.accepted", "order.shipped"]);
      expect((await client.countUnread({}, buyer.as)).unread).toBe(2);
    });

    it("gives the seller one low-stock alert per crossing, naming the product", async () => {
      const shop = await seller("Cheese Corner");
      const productId = uuidv7();
      await rig.bus.publish(
        event(eventSubjects.products.productCreated, {
          product: { id: productId, storefrontId: shop.storefrontId, title: "Aged gouda", version: 1n },
        }),
      );
      const low = event(eventSubjects.inventory.stockLow, {
        variantId: uuidv7(),
        productId,
        available: 2n,
        threshold: 3n,
        crossedAt: timestampNow(),
      });
      await rig.bus.publish(low);
      await rig.bus.publish(low);
      await waitFor(() => mailsTo(shop.email).length === 1);
      expect(mailsTo(shop.email)[0]?.subject).toBe("Low stock: Aged gouda");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await inboxOf(shop)).filter((n) => n.kind === "stock.low")).toHaveLength(1);
      expect(mailsTo(shop.email)).toHaveLength(1);
    });

    it("tells a seller once when an admin approves or suspends the storefront, with the reason", async () => {
      const owner = await user({ roles: ["seller"] });
      const storefrontId = uuidv7();
      const changed = (version: bigint, status: StorefrontStatus, statusReason = "") =>
        event(eventSubjects.sellers.storefrontUpdated, {
          storefront: {
            id: storefrontId,
            ownerId: owner.id,
            name: "Olive Atelier",
            status,
            statusReason,
            version,
          },
        });
      await rig.bus.publish(
        event(eventSubjects.sellers.storefrontCreated, {
          storefront: {
            id: storefrontId,
            ownerId: owner.id,
            name: "Olive Atelier",
            status: StorefrontStatus.PENDING,
            version: 1n,
          },
        }),
      );
      // Created and updated are two consumers: the approval is news only to one that knew it pending.
      await waitFor(async () => {
        const rows = await service.runtime.database.db
          .select()
          .from(storefronts)
          .where(eq(storefronts.id, storefrontId));
        return rows.length === 1;
      });
      await rig.bus.publish(changed(2n, StorefrontStatus.ACTIVE));
      await waitFor(() => mailsTo(owner.email).length === 1);
      await rig.bus.publish(changed(3n, StorefrontStatus.ACTIVE)); // a name change: no news
      await rig.bus.publish(changed(4n, StorefrontStatus.SUSPENDED, "counterfeit goods"));
      await waitFor(() => mailsTo(owner.email).length === 2);
      expect(mailsTo(owner.email).map((m) => m.subject)).toEqual([
        "Storefront approved",
        "Storefront suspended",
      ]);
      expect(mailsTo(owner.email)[1]?.text).toContain("Olive Atelier was suspended: counterfeit goods");
      await rig.bus.publish(changed(3n, StorefrontStatus.ACTIVE)); // late and older: ignored
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mailsTo(owner.email)).toHaveLength(2);
    });

    it("tells a user of a password change, a new device, and an e-mail change at the old address", async () => {
      const ada = await user({ name: "Ada" });
      const signedInAt = new Date("2026-12-04T10:30:00Z");
      await rig.bus.publish(event(eventSubjects.auth.userPasswordChanged, { userId: ada.id, byReset: true }));
      await rig.bus.publish(
        event(eventSubjects.auth.userNewDeviceSignedIn, {
          userId: ada.id,
          sessionId: uuidv7(),
          userAgent: "Firefox/130 (Linux)",
          ip: "198.51.100.2",
          signedInAt: timestampFromDate(signedInAt),
        }),
      );
      await waitFor(() => mailsTo(ada.email).length === 2);
      const subjects = mailsTo(ada.email)
        .map((m) => m.subject)
        .sort();
      expect(subjects).toEqual(["Password changed", "Sign-in from a new device"]);
      const device = mailsTo(ada.email).find((m) => m.subject === "Sign-in from a new device");
      expect(device?.text).toContain("New sign-in on 2026-12-04 10:30 UTC from Firefox/130 (Linux).");
      expect(device?.text).toContain("IP address: 198.51.100.2.");

      const newEmail = `new-${ada.email}`;
      await rig.bus.publish(
        event(eventSubjects.users.profileUpdated, {
          profile: {
            userId: ada.id,
            email: newEmail,
            displayName: "Ada",
            locale: "en",
            updatedAt: timestampNow(),
          },
        }),
      );
      await waitFor(() => mailsTo(ada.email).length === 3);
      expect(mailsTo(ada.email)[2]?.text).toContain(`Your profile's e-mail address is now ${newEmail}.`);
      expect(mailsTo(newEmail)).toEqual([]);

      // A user without an address who adds one is told at the new one.
      const bob = await user({ email: "" });
      const bobsEmail = `bob-${bob.id}@mail.test`;
      await rig.bus.publish(
        event(eventSubjects.users.profileUpdated, {
          profile: { userId: bob.id, email: bobsEmail, locale: "de", updatedAt: timestampNow() },
        }),
      );
      await waitFor(() => mailsTo(bobsEmail).length === 1);
      expect(mailsTo(bobsEmail)[0]?.subject).toBe("E-Mail-Adresse hinzugefügt");
      const refused = await failure(
        client.updatePreferences(
          { preferences: [{ category: Category.SECURITY, channel: Channel.EMAIL, enabled: false }] },
          ada.as,
        ),
      );
      expect(refused.fields).toEqual(["preferences[0]"]);
    });

    it("tells followers who opted in of a storefront's new products at most once a day, with a one-click unsubscribe", async () => {
      const shop = await seller("News Shop");
      const fan = await user({ name: "Fan" });
      const quiet = await user();
      for (const follower of [fan, quiet])
        await rig.bus.publish(
          event(eventSubjects.sellers.storefrontFollowed, {
            storefrontId: shop.storefrontId,
            userId: follower.id,
            followedAt: timestampNow(),
          }),
        );
      await client.updatePreferences(
        { preferences: [{ category: Category.MARKETING, channel: Channel.EMAIL, enabled: true }] },
        fan.as,
      );
      await waitFor(() => mailsTo(shop.email).filter((m) => m.subject === "New follower").length === 2);
      const publish = (title: string) =>
        rig.bus.publish(
          event(eventSubjects.products.productCreated, {
            product: {
              id: uuidv7(),
              storefrontId: shop.storefrontId,
              title,
              status: ProductStatus.ACTIVE,
              version: 1n,
            },
          }),
        );
      await publish("Olive oil");
      await waitFor(() => mailsTo(fan.email).length === 1, { message: "the follower heard nothing" });
      await publish("Olive soap");
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [news, ...more] = mailsTo(fan.email);
      expect(more).toEqual([]);
      expect(news?.subject).toBe("New at News Shop");
      expect(news?.text).toContain("Olive oil");
      expect(mailsTo(quiet.email)).toEqual([]); // marketing is off until opted in
      const link = news?.headers.get("list-unsubscribe") ?? "";
      expect(link).toMatch(/^<https:\/\/mercato\.test\/api\/v1\/notifications\/unsubscribe\?token=[\w.-]+>$/);
      expect(news?.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      expect(news?.text).toContain(link.slice(1, -1));

      const token = new URL(link.slice(1, -1)).searchParams.get("token") ?? "";
      expect((await client.unsubscribe({ token })).category).toBe(Category.MARKETING);
      const { preferences } = await client.getPreferences({}, fan.as);
      expect(
        preferences.find((p) => p.category === Category.MARKETING && p.channel === Channel.EMAIL)?.enabled,
      ).toBe(false);
      expect((await failure(client.unsubscribe({ token: `${token.slice(0, -2)}xx` }))).fields).toEqual([
        "token",
      ]);
    });

    it("sends nothing on a channel turned off, and refuses to turn off transactional e-mail naming the field", async () => {
      const buyer = await user();
      const shop = await seller("Quiet Shop");
      const { preferences } = await client.getPreferences({}, buyer.as);
      expect(preferences).toHaveLength(15);
      expect(
        preferences.find((p) => p.category === Category.MARKETING && p.channel === Channel.EMAIL),
      ).toMatchObject({
        enabled: false,
        locked: false,
      });
      expect(
        preferences.find((p) => p.category === Category.TRANSACTIONAL && p.channel === Channel.EMAIL),
      ).toMatchObject({ enabled: true, locked: true });

      const refused = await failure(
        client.updatePreferences(
          { preferences: [{ category: Category.TRANSACTIONAL, channel: Channel.EMAIL, enabled: false }] },
          buyer.as,
        ),
      );
      expect(refused.code).toBe(Code.InvalidArgument);
      expect(refused.fields).toEqual(["preferences[0]"]);
      expect(refused.message).toContain("transactional e-mail cannot be turned off");

      await client.updatePreferences(
        { preferences: [{ category: Category.TRANSACTIONAL, channel: Channel.IN_APP, enabled: false }] },
        buyer.as,
      );
      await rig.bus.publish(
        orderEvent(eventSubjects.orders.orderAccepted, { id: uuidv7(), buyerId: buyer.id, seller: shop }),
      );
      await waitFor(() => mailsTo(buyer.email).length === 1);
      expect(await inboxOf(buyer)).toEqual([]);
    });

    it("keeps each user's notifications and devices to that user", async () => {
      const ada = await user();
      const bob = await user();
      const shop = await seller("Private Shop");
      await rig.bus.publish(
        orderEvent(eventSubjects.orders.orderAccepted, { id: uuidv7(), buyerId: ada.id, seller: shop }),
      );
      await waitFor(async () => (await inboxOf(ada)).length === 1);
      const [adas] = await inboxOf(ada);
      expect(await inboxOf(bob)).toEqual([]);
      expect((await client.markRead({ ids: [adas?.id ?? ""] }, bob.as)).marked).toBe(0);
      // Any hex passes the contract's UUID rule; one that is no UUID of ours names nothing (the fuzzer found a 500).
      expect((await client.markRead({ ids: ["10000000-0000-0000-0000-000000000000"] }, ada.as)).marked).toBe(
        0,
      );
      expect((await client.countUnread({}, ada.as)).unread).toBe(1);
      const { device } = await client.registerDeviceToken(
        { token: "ada-secret-token", platform: DevicePlatform.IOS, label: "" },
        ada.as,
      );
      expect(Object.values(device ?? {})).not.toContain("ada-secret-token");
      expect((await client.unregisterDeviceToken({ id: device?.id ?? "" }, bob.as)).removed).toBe(false);
      expect((await client.listDeviceTokens({}, bob.as)).devices).toEqual([]);
      expect((await client.listDeviceTokens({}, ada.as)).devices.map((d) => d.id)).toEqual([device?.id]);
      expect(await client.markRead({ all: true }, ada.as)).toMatchObject({ marked: 1, unread: 0 });
      expect((await failure(client.listNotifications({}))).code).toBe(Code.Unauthenticated);
      expect((await failure(client.listDeadLetters({}, ada.as))).code).toBe(Code.PermissionDenied);
      expect((await failure(client.markRead({}, ada.as))).fields).toEqual(["ids"]);
      expect((await failure(client.listNotifications({ cursor: "nope" }, ada.as))).fields).toEqual([
        "cursor",
      ]);
      const web = await failure(
        client.registerDeviceToken({ token: "not json", platform: DevicePlatform.WEB, label: "" }, ada.as),
      );
      expect(web).toMatchObject({ code: Code.InvalidArgument, fields: ["token", "platform"] });
    });

    it("forgets a token FCM calls unregistered, and dead-letters a push FCM keeps refusing until an admin requeues it", async () => {
      const shop = await seller("Push Shop");
      const admin = await user({ roles: ["admin"] });
      await client.registerDeviceToken(
        { token: "gone-token", platform: DevicePlatform.ANDROID, label: "" },
        shop.as,
      );
      await client.registerDeviceToken(
        { token: "busy-token", platform: DevicePlatform.IOS, label: "" },
        shop.as,
      );
      fcm.replyFor("gone-token", fcmTestReplies.unregistered());
      fcm.replyFor("busy-token", fcmTestReplies.unavailable());
      const order = { id: uuidv7(), buyerId: uuidv7(), seller: shop };
      await rig.bus.publish(orderEvent(eventSubjects.orders.orderPlaced, order));

      await waitFor(async () => (await client.listDeviceTokens({}, shop.as)).devices.length === 1, {
        message: "the unregistered token was not forgotten",
      });
      await waitFor(async () => (await client.listDeadLetters({}, admin.as)).deadLetters.length > 0, {
        timeoutMs: 20_000,
        message: "the refused push never became a dead letter",
      });
      expect(fcm.messages.filter((m) => m.token === "busy-token")).toHaveLength(5);
      const [dead] = (await client.listDeadLetters({}, admin.as)).deadLetters;
      expect(dead).toMatchObject({
        recipientId: shop.id,
        channel: Channel.PUSH,
        kind: "order.new",
        attempts: 5,
      });
      expect(dead?.error).not.toContain("busy-token");

      fcm.replyFor("busy-token", { status: 200, body: { name: "projects/p/messages/1" } });
      await client.requeueDeadLetter({ id: dead?.id ?? "" }, admin.as);
      await waitFor(() => fcm.sent.some((m) => m.token === "busy-token"));
      expect((await client.listDeadLetters({}, admin.as)).deadLetters.map((d) => d.id)).not.toContain(
        dead?.id,
      );
      expect((await failure(client.requeueDeadLetter({ id: dead?.id ?? "" }, admin.as))).code).toBe(
        Code.FailedPrecondition,
      );
    });
  });
}

describeNotifications("notifications service on PGlite", () => pgliteFixture({ postgis: false }));

const url = process.env.DATABASE_URL;
if (url)
  describeNotifications("notifications service on PostgreSQL", () =>
    postgresFixture(url, { prefix: "notifications_test" }),
  );
else console.log("[skipped] notifications service on PostgreSQL: DATABASE_URL is not set");
