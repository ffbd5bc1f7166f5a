import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { latestMailTo, latestSmsTo, type ParsedMail, parseMail } from "@mercato/platform";
import {
  type FcmTestServer,
  type SmtpTestServer,
  startFcmTestServer,
  startSmtpTestServer,
} from "@mercato/platform/messaging/test-servers";
import { describeWithInfra, type NatsServer, waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCategory, randomPhone, restClient, startPrivateDistributedStack, startStack } from "./stack.js";

// Notifications through the whole distributed stack (every service its own process, as
// `npm run start:services` runs them) on real PostgreSQL, a private nats-server and a private Redis
// (BullMQ queues), with e-mail to a real SMTP test server and push to an FCM test server. The NATS
// and Redis are private because the services' durable consumer names and queue keys are fixed: on
// the shared servers another running stack would take this one's events and jobs, and the last
// scenario stops NATS.

const adminEmail = "notify-admin@mercato.test";
const adminPassword = "notifications e2e passphrase";
const shipTo = {
  name: "Nora Buyer",
  address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
};
/** How long a notification may take to arrive on a busy machine: events, queues, SMTP. */
const arrival = { timeoutMs: 60_000, intervalMs: 200 };
/** How long to wait for a duplicate that should not come, once what was expected arrived. */
const settleMs = 3_000;

/** The test servers notifications go to. */
interface Receivers {
  smtp: SmtpTestServer;
  fcm: FcmTestServer;
}

/** A running deployment: its gateway's REST API, where SMS and auth's mail land, its private NATS if any. */
interface Deployment {
  api: string;
  outboxDir: string;
  /** The private nats-server the services use (distributed mode), for the outage scenario. */
  nats?: NatsServer;
  stop(): Promise<void>;
}

/** The notifications service's environment: e-mail and push to the test servers, quick retries. */
const notificationsEnv = ({ smtp, fcm }: Receivers) => ({
  SMTP_URL: smtp.url(),
  FCM_CREDENTIALS: JSON.stringify(fcm.credentials),
  FCM_BASE_URL: fcm.baseUrl,
  DELIVERY_BACKOFF_MS: "200",
});

const limits = {
  ADMIN_EMAIL: adminEmail,
  ADMIN_PASSWORD: adminPassword,
  OTP_RATE_PER_IP: "1000",
  REGISTRATIONS_PER_IP: "1000",
  EMAILS_PER_IP: "1000",
  RATE_LIMIT_MAX: "100000",
  SEED_DEMO: "false",
};

/**
 * Every service its own process, as `npm run start:services` runs them, on real PostgreSQL (a
 * database per service and run), a private nats-server and a private Redis.
 */
async function distributed(databaseUrl: string, receivers: Receivers): Promise<Deployment> {
  const stack = await startPrivateDistributedStack({
    databaseUrl,
    name: "notify-e2e",
    logLevel: "warn",
    env: (name) => ({
      ...limits,
      // Only the notifications service sends to the test servers; auth's mail stays in the outbox.
      ...(name === "notifications" ? notificationsEnv(receivers) : {}),
    }),
  });
  return { api: stack.api, outboxDir: stack.outboxDir, nats: stack.nats, stop: stack.stop };
}

/** The embedded host (one process, PGlite, in-process bus and queues), as `npm start` runs it. */
async function embedded(receivers: Receivers): Promise<Deployment> {
  const stack = await startStack({
    commerce: true,
    notifications: true,
    env: { ...limits, ...notificationsEnv(receivers) },
  });
  return { api: `${stack.url}/api/v1`, outboxDir: stack.outboxDir, stop: () => stack.stop() };
}

function notificationsSuite(label: string, deploy: (receivers: Receivers) => Promise<Deployment>) {
  describe(label, { timeout: 180_000 }, () => {
    const run = `n${randomBytes(3).toString("hex")}`;
    let smtp: SmtpTestServer;
    let fcm: FcmTestServer;
    let deployment: Deployment | undefined;
    let outboxDir = "";
    let categoryId = "";
    const rest = restClient(() => deployment?.api ?? "");

    beforeAll(async () => {
      [smtp, fcm] = await Promise.all([startSmtpTestServer(), startFcmTestServer()]);
      deployment = await deploy({ smtp, fcm });
      outboxDir = deployment.outboxDir;
      categoryId = await adminCategory(
        rest,
        { email: adminEmail, password: adminPassword },
        { name: "Notify", slug: "notify" },
      );
    }, 180_000);

    afterAll(async () => {
      await deployment?.stop();
      await Promise.allSettled([smtp?.close(), fcm?.close()]);
    }, 60_000);

    /** Every e-mail the SMTP test server received for `address`, parsed, oldest first. */
    const mailsTo = (address: string): ParsedMail[] =>
      smtp.received.filter((m) => m.rcptTo.includes(address)).map((m) => parseMail(m.raw));

    /** Waits until `address` has at least `count` e-mails whose subject starts with `subject`. */
    const awaitMails = (address: string, subject: string, count = 1) =>
      waitFor(
        () => {
          const found = mailsTo(address).filter((m) => m.subject.startsWith(subject));
          return found.length >= count ? found : undefined;
        },
        {
          ...arrival,
          message: `fewer than ${count} e-mails "${subject}…" to ${address}; it has: ${JSON.stringify(
            mailsTo(address).map((m) => m.subject),
          )}`,
        },
      );

    /** A buyer signed in by SMS code, with an e-mail address and English on their profile. */
    const buyer = async () => {
      const phone = randomPhone();
      expect((await rest("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
      const sms = await waitFor(() => latestSmsTo(outboxDir, phone), {
        timeoutMs: 15_000,
        intervalMs: 50,
        message: `no SMS to ${phone}`,
      });
      const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
      const signedIn = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
      expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
      const token = signedIn.body.accessToken as string;
      const email = `buyer-${randomBytes(4).toString("hex")}@mail.test`;
      const updated = await waitFor(
        async () => {
          const answer = await rest("PATCH", "/users/me", {
            token,
            body: { email, displayName: "Nora", locale: "en" },
          });
          return answer.status === 200 ? answer : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 200, message: "the buyer's profile never took the e-mail" },
      );
      expect(updated.body.profile).toMatchObject({ email });
      // The notifications service confirms a first address to itself: once it has, it knows where
      // the buyer's order news goes (the profile's event may otherwise trail the order's).
      await awaitMails(email, "E-mail address added");
      return { token, email };
    };

    /** A verified seller with an open storefront and one active product of one variant with `stock` units. */
    const shop = async (name: string, price: number, stock: number) => {
      const email = `${name}-${randomBytes(4).toString("hex")}@shop.test`;
      const password = `${name} has a long passphrase`;
      expect((await rest("POST", "/auth/sellers", { body: { email, password } })).status).toBe(201);
      // Auth's mail goes to the outbox, or to the SMTP server when it shares the host's SMTP_URL.
      const link = /\/verify-email\?token=([\w-]+)/;
      const mail = await waitFor(
        async () =>
          mailsTo(email)
            .map((m) => m.text.match(link))
            .find(Boolean) ?? (await latestMailTo(outboxDir, email))?.text.match(link),
        { timeoutMs: 15_000, intervalMs: 100, message: `no verification mail to ${email}` },
      );
      expect((await rest("GET", `/auth/email/verify?token=${mail[1]}`)).status).toBe(200);
      const token = (await rest("POST", "/auth/login", { body: { email, password } })).body
        .accessToken as string;
      const slug = `${name}-${randomBytes(3).toString("hex")}`;
      const store = await rest("POST", "/sellers", {
        token,
        body: {
          name: `${name} shop`,
          slug,
          address: { line1: "Torstraße 1", city: "Berlin", countryCode: "DE" },
          location: { lat: 52.53, lng: 13.4 },
        },
      });
      expect(store.status, JSON.stringify(store.body)).toBe(201);
      const product = await waitFor(
        async () => {
          const created = await rest("POST", "/products", {
            token,
            body: {
              title: `${name} special`,
              categoryId,
              status: "active",
              variants: [{ sku: `${slug}-1`, price: { amountMinor: price, currency: "EUR" } }],
            },
          });
          return created.status === 201
            ? (created.body as { id: string; variants: { id: string }[] })
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250, message: "the product was never created" },
      );
      const variantId = product.variants[0]?.id ?? "";
      await waitFor(
        async () =>
          (
            await rest("POST", `/inventory/${variantId}/adjustments`, {
              token,
              body: { quantity: stock, reason: "replenishment", note: "first delivery" },
            })
          ).status === 200,
        { timeoutMs: 30_000, intervalMs: 250, message: "inventory never learnt of the variant" },
      );
      return { token, email, name: `${name} shop`, title: `${name} special`, variantId };
    };

    const checkout = async (token: string, lines: { variantId: string; quantity: number }[]) => {
      const answer = await rest("POST", "/checkout", {
        token,
        headers: { "idempotency-key": `${run}-${randomBytes(6).toString("hex")}` },
        body: { shippingAddress: shipTo, lines },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body as { id: string; orders: { id: string }[] };
    };

    /** Counts of e-mails to `address` by subject, past the account's own (verify, address added); every one should be 1. */
    const subjectsOf = (address: string) => {
      const counts: Record<string, number> = {};
      const own = ["Verify your e-mail", "E-mail address added"];
      for (const mail of mailsTo(address).filter(
        (m) => !own.some((subject) => m.subject.startsWith(subject)),
      ))
        counts[mail.subject] = (counts[mail.subject] ?? 0) + 1;
      return counts;
    };

    it("tells the buyer of a two-seller checkout once by e-mail, and each seller by e-mail, FCM push and in-app", async () => {
      const [pans, pots, customer] = await Promise.all([
        shop("pans", 2500, 10),
        shop("pots", 1200, 10),
        buyer(),
      ]);
      const tokens = new Map<string, string>();
      for (const seller of [pans, pots]) {
        const token = `fcm-${seller.name.replace(/\W/g, "")}-${randomBytes(8).toString("hex")}`;
        const device = await rest("POST", "/notifications/devices", {
          token: seller.token,
          body: { token, platform: "android", label: "shop phone" },
        });
        expect(device.status, JSON.stringify(device.body)).toBe(201);
        tokens.set(seller.email, token);
      }

      const bought = await checkout(customer.token, [
        { variantId: pans.variantId, quantity: 2 },
        { variantId: pots.variantId, quantity: 1 },
      ]);
      expect(bought.orders).toHaveLength(2);

      // The buyer: one confirmation naming both sellers and the grand total.
      const [confirmation] = await awaitMails(customer.email, "Your order for");
      expect(confirmation?.subject).toBe("Your order for €62.00");
      expect(confirmation?.text).toContain("pans shop");
      expect(confirmation?.text).toContain("pots shop");
      expect(confirmation?.text).toContain("Karl-Marx-Allee 90");
      // Each seller: a new-order e-mail with its own lines and total, a push to its device and an inbox entry.
      for (const [seller, total] of [
        [pans, "€50.00"],
        [pots, "€12.00"],
      ] as const) {
        const [mail] = await awaitMails(seller.email, "New order");
        expect(mail?.subject).toBe(`New order: ${total}`);
        expect(mail?.text).toContain(seller.title);
        expect(mail?.text).toContain("Nora Buyer");
        const push = await waitFor(() => fcm.sent.find((m) => m.token === tokens.get(seller.email)), {
          ...arrival,
          message: `no FCM push to ${seller.name}'s device`,
        });
        expect(push.notification?.title).toBe("New order");
        expect(push.notification?.body).toContain(total);
        expect(push.data).toMatchObject({ kind: "order.new" });
        const inbox = await waitFor(
          async () => {
            const page = await rest("GET", "/notifications", { token: seller.token });
            expect(page.status, JSON.stringify(page.body)).toBe(200);
            const items = (page.body.items as { kind: string; data: Record<string, string> }[]).filter(
              (n) => n.kind === "order.new",
            );
            return items.length > 0 ? items : undefined;
          },
          { ...arrival, message: `no in-app notification for ${seller.name}` },
        );
        expect(inbox).toHaveLength(1);
        expect(bought.orders.map((o) => o.id)).toContain(inbox[0]?.data.order_id);
      }
      // Nothing comes twice: one e-mail per subject per recipient, one push per device.
      await sleep(settleMs);
      expect(mailsTo(customer.email).filter((m) => m.subject.startsWith("Your order for"))).toHaveLength(1);
      for (const seller of [pans, pots]) {
        expect(Object.values(subjectsOf(seller.email)).filter((n) => n > 1)).toEqual([]);
        expect(fcm.sent.filter((m) => m.token === tokens.get(seller.email))).toHaveLength(1);
      }
    });

    it("e-mails the buyer the carrier and tracking number once the seller ships", async () => {
      const [seller, customer] = await Promise.all([shop("lamps", 4000, 5), buyer()]);
      const [order] = (await checkout(customer.token, [{ variantId: seller.variantId, quantity: 1 }])).orders;
      const accepted = await rest("POST", `/orders/${order?.id}/accept`, { token: seller.token });
      expect(accepted.body.status, JSON.stringify(accepted.body)).toBe("accepted");
      const trackingNumber = `1Z${randomBytes(6).toString("hex").toUpperCase()}`;
      const shipped = await rest("POST", `/orders/${order?.id}/ship`, {
        token: seller.token,
        body: { carrier: "DHL", trackingNumber },
      });
      expect(shipped.body, JSON.stringify(shipped.body)).toMatchObject({
        status: "shipped",
        trackingNumber,
      });

      const [mail] = await awaitMails(customer.email, "Order shipped");
      expect(mail?.text).toContain(trackingNumber);
      expect(mail?.text).toContain("DHL");
      expect(mail?.text).toContain("lamps shop");
      await sleep(settleMs);
      expect(mailsTo(customer.email).filter((m) => m.subject === "Order shipped")).toHaveLength(1);
    });

    it("sends a seller one low-stock alert when sales take the stock below its threshold, not one per sale", async () => {
      const seller = await shop("mugs", 800, 10);
      const threshold = await rest("PUT", `/inventory/${seller.variantId}/threshold`, {
        token: seller.token,
        body: { threshold: 5 },
      });
      expect(threshold.status, JSON.stringify(threshold.body)).toBe(200);
      const customers = await Promise.all([buyer(), buyer()]);
      // 10 → 8 → 6 → 4 (below 5: the alert) → 2 → 1: four sales at or below the threshold.
      for (const [i, quantity] of [2, 2, 2, 2, 1].entries())
        await checkout(customers[i % 2]?.token ?? "", [{ variantId: seller.variantId, quantity }]);

      const alerts = await awaitMails(seller.email, "Low stock");
      expect(alerts[0]?.subject).toBe("Low stock: mugs special");
      expect(alerts[0]?.text).toContain("only 4 left");
      // Every sale was heard (its new-order e-mail arrived), and still one alert.
      await awaitMails(seller.email, "New order", 5);
      await sleep(settleMs);
      expect(mailsTo(seller.email).filter((m) => m.subject.startsWith("Low stock"))).toHaveLength(1);
      const inbox = await rest("GET", "/notifications?limit=100", { token: seller.token });
      expect(inbox.body.items.filter((n: { kind: string }) => n.kind === "stock.low")).toHaveLength(1);
    });

    it("delivers every e-mail of checkouts placed while NATS is down once it is back, none twice", async (context) => {
      const nats = deployment?.nats;
      if (!nats) return context.skip("no NATS to stop: the embedded host's bus is in-process");
      const [seller, ...customers] = await Promise.all([shop("bowls", 300, 100), buyer(), buyer(), buyer()]);
      const placed: { email: string; quantity: number }[] = [];
      await nats.stop();
      const downAt = Date.now();
      try {
        for (const [i, customer] of customers.entries()) {
          const quantity = i + 1;
          await waitFor(
            async () => {
              const answer = await rest("POST", "/checkout", {
                token: customer.token,
                headers: { "idempotency-key": `${run}-outage-${i}` },
                body: { shippingAddress: shipTo, lines: [{ variantId: seller.variantId, quantity }] },
              });
              return answer.status === 201 ? answer : undefined;
            },
            { timeoutMs: 9_000, intervalMs: 500, message: `checkout ${i} failed while NATS was down` },
          );
          placed.push({ email: customer.email, quantity });
        }
        await sleep(Math.max(0, 10_000 - (Date.now() - downAt)));
        // The orders were placed, but no event left while NATS was away: nobody has heard yet.
        expect(placed).toHaveLength(customers.length);
        for (const { email } of [...placed, seller]) expect(subjectsOf(email)).toEqual({});
      } finally {
        await nats.start();
      }

      for (const { email, quantity } of placed) {
        const [mail] = await awaitMails(email, "Your order for");
        expect(mail?.subject).toBe(`Your order for €${(3 * quantity).toFixed(2)}`);
      }
      await awaitMails(seller.email, "New order", placed.length);
      await sleep(settleMs);
      for (const { email } of placed)
        expect(subjectsOf(email), `e-mails to ${email}`).toEqual({
          [`Your order for €${(3 * (placed.find((p) => p.email === email)?.quantity ?? 0)).toFixed(2)}`]: 1,
        });
      expect(subjectsOf(seller.email)).toEqual(
        Object.fromEntries(placed.map(({ quantity }) => [`New order: €${(3 * quantity).toFixed(2)}`, 1])),
      );
    });
  });
}

notificationsSuite("notifications through the embedded host", embedded);

describeWithInfra(
  "DATABASE_URL",
  "notifications in distributed mode on real PostgreSQL, NATS and Redis",
  (databaseUrl) => {
    notificationsSuite("notifications end to end, distributed", (receivers) =>
      distributed(databaseUrl, receivers),
    );
  },
);
