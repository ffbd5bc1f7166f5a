import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, latestMailTo, latestSmsTo } from "@mercato/platform";
import { waitFor } from "@mercato/testing";
import { itemGatewayModule } from "@mercato/testing/item-gateway-module";
import { itemService } from "@mercato/testing/item-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostedServices } from "../src/catalog.js";
import { startEmbedded } from "../src/embedded.js";

const quiet = (service: string) => createLogger({ service, level: "silent" });

describe("embedded host", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "mercato-embedded-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves /health/services listing every service of the catalog, seeding the demo marketplace on the first start only", {
    timeout: 120_000,
  }, async () => {
    const options = {
      env: { DATA_DIR: join(dataDir, "catalog"), GATEWAY_PORT: "0" },
      ports: Object.fromEntries(hostedServices.map((s) => [s.name, 0])),
      logger: quiet,
    };
    const host = await startEmbedded(options);
    try {
      const response = await fetch(`${host.gatewayUrl}/health/services`);
      const body = (await response.json()) as { services: { name: string; status: string }[] };
      expect(body.services.map((s) => s.name)).toEqual(hostedServices.map((s) => s.name));
      expect(body.services.every((s) => s.status === "up")).toBe(true);

      expect(host.seeded).toMatchObject({
        storefronts: 24,
        sellerAccounts: 24,
        products: 520,
        searchDocuments: 520,
      });
      expect(host.seeded?.stockLevels).toBeGreaterThan(520);
      const near = await fetch(
        `${host.gatewayUrl}/api/v1/products?near=52.52,13.405&radius=10000&sort=distance`,
      );
      const page = (await near.json()) as { items: { storefrontName: string; distanceMeters: number }[] };
      expect(page.items.length).toBeGreaterThan(0);
      expect(
        page.items.every((hit) => hit.storefrontName.startsWith("Berlin") && hit.distanceMeters <= 10_000),
      ).toBe(true);

      // A buyer can buy a demo product straight away: it is in stock, and checkout sells it.
      const phone = "+4915100000042";
      const post = (path: string, body: object, headers: Record<string, string> = {}) =>
        fetch(`${host.gatewayUrl}/api/v1${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
      expect((await post("/auth/otp/request", { phone })).status).toBe(202);
      const sms = await waitFor(() => latestSmsTo(join(dataDir, "catalog", "outbox"), phone));
      const code = /\b(\d{6})\b/.exec(sms.body)?.[1] ?? "";
      const { accessToken } = (await (await post("/auth/otp/verify", { phone, code })).json()) as {
        accessToken: string;
      };
      const inStock = (await (
        await fetch(`${host.gatewayUrl}/api/v1/products?near=48.8566,2.3522&radius=20000&inStock=true`)
      ).json()) as { items: { id: string }[] };
      const product = (await (
        await fetch(`${host.gatewayUrl}/api/v1/products/${inStock.items[0]?.id}`)
      ).json()) as {
        variants: { id: string }[];
      };
      const checkout = await post(
        "/checkout",
        {
          shippingAddress: {
            name: "Demo Buyer",
            address: { line1: "Rue de Rivoli 1", city: "Paris", postalCode: "75001", countryCode: "FR" },
          },
          lines: product.variants.map((variant) => ({ variantId: variant.id, quantity: 1 })).slice(0, 1),
        },
        { authorization: `Bearer ${accessToken}`, "idempotency-key": "demo-first-order" },
      );
      const checkoutBody = await checkout.text();
      expect(checkout.status, checkoutBody).toBe(201);
      expect(JSON.parse(checkoutBody).orders[0].status).toBe("placed");

      // The demo storefront's owner takes over the account through the reset link, signs in and
      // edits the storefront; nobody could sign in with the seeded password before.
      const { items: stores } = (await (await fetch(`${host.gatewayUrl}/api/v1/sellers?limit=1`)).json()) as {
        items: { id: string; slug: string }[];
      };
      const store = stores[0];
      if (!store) throw new Error("the demo has no storefront");
      const email = `owner@${store.slug}.example`;
      expect((await post("/auth/login", { email, password: "mercato-demo" })).status).toBe(401);
      expect((await post("/auth/password/forgot", { email })).status).toBe(202);
      const mail = await waitFor(() => latestMailTo(join(dataDir, "catalog", "outbox"), email));
      const token = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? "";
      const password = "tulip lantern harbour 2026";
      const reset = await post("/auth/password/reset", { token, newPassword: password });
      expect(reset.status, await reset.text()).toBe(204);
      const login = await post("/auth/login", { email, password });
      expect(login.status).toBe(200);
      const owner = (await login.json()) as { accessToken: string; account: { roles: string[] } };
      expect(owner.account.roles).toContain("seller");
      const edit = await fetch(`${host.gatewayUrl}/api/v1/sellers/${store.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${owner.accessToken}` },
        body: JSON.stringify({ description: "Now run by its owner." }),
      });
      expect(edit.status, await edit.clone().text()).toBe(200);
      expect(((await edit.json()) as { description: string }).description).toBe("Now run by its owner.");
      const me = await fetch(`${host.gatewayUrl}/api/v1/users/me`, {
        headers: { authorization: `Bearer ${owner.accessToken}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { profile: { email: string } }).profile.email).toBe(email);
    } finally {
      await host.stop();
    }
    const again = await startEmbedded(options);
    try {
      expect(again.seeded).toBeUndefined();
      const stores = await fetch(`${again.gatewayUrl}/api/v1/sellers?limit=100`);
      expect(((await stores.json()) as { items: unknown[] }).items).toHaveLength(24);
    } finally {
      await again.stop();
    }
  });

  it("runs a service on its own port behind the gateway and keeps its data across restarts", async () => {
    const options = {
      env: { DATA_DIR: join(dataDir, "items"), GATEWAY_PORT: "0" },
      services: [itemService({ name: "items" })],
      modules: [itemGatewayModule("items")],
      ports: { items: 0 },
      logger: quiet,
    };
    const first = await startEmbedded(options);
    let id: string;
    try {
      expect(first.services.map((s) => s.name)).toEqual(["items"]);
      expect(new URL(first.services[0]?.url ?? "").port).not.toBe(new URL(first.gatewayUrl).port);
      const health = (await (await fetch(`${first.gatewayUrl}/health/services`)).json()) as {
        services: { name: string; status: string }[];
      };
      expect(health.services).toMatchObject([{ name: "items", status: "up" }]);
      const created = await fetch(`${first.gatewayUrl}/api/v1/items`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Kept", priceMinor: "100", currency: "EUR" }),
      });
      expect(created.status).toBe(201);
      id = ((await created.json()) as { id: string }).id;
    } finally {
      await first.stop();
    }
    const second = await startEmbedded(options);
    try {
      const read = await fetch(`${second.gatewayUrl}/api/v1/items/${id}`);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { name: string }).name).toBe("Kept");
    } finally {
      await second.stop();
    }
  });

  it("refuses to start with a bad variable and names it", async () => {
    await expect(
      startEmbedded({ env: { DATA_DIR: dataDir, GATEWAY_PORT: "http" }, logger: quiet }),
    ).rejects.toThrow(/^invalid configuration: GATEWAY_PORT must be a number \(got "http"\)$/);
    await expect(
      startEmbedded({ env: { DATA_DIR: dataDir, ORDERS_PORT: "nine" }, logger: quiet }),
    ).rejects.toThrow(/^invalid configuration: ORDERS_PORT must be a number \(got "nine"\)$/);
  });
});
