// One checkout is one trace (issue 21, ADR 0048): with an in-memory span exporter in place of
// OTLP, a checkout through the gateway leaves spans of the gateway, orders, inventory and products
// (server and client side of each call, the database transactions), of the consumers of the
// events it published and of the jobs they queued, all under the gateway's request span in one tree.

import { startTracing, type Tracing } from "@mercato/platform";
import { waitFor } from "@mercato/testing";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCategory, phoneBuyer, restClient, type Stack, startStack, verifiedSeller } from "./stack.js";

const admin = { email: "trace-admin@mercato.test", password: "trace admin passphrase" };

describe("tracing a checkout", { timeout: 120_000 }, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  let stack: Stack;
  const rest = restClient(() => `${stack.url}/api/v1`);

  beforeAll(async () => {
    tracing = await startTracing("mercato", { exporter });
    stack = await startStack({
      commerce: true,
      notifications: true,
      env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await tracing?.shutdown();
  });

  it("makes one trace from the gateway through orders, products, inventory, the order event's consumers and their jobs", async () => {
    const categoryId = await adminCategory(rest, admin, { name: "Tea", slug: "tea" });
    const seller = await verifiedSeller(stack, rest, "traced", { storefront: true });
    const product = await waitFor(async () => {
      const created = await rest("POST", "/products", {
        token: seller.token,
        body: {
          title: "Traced tea",
          categoryId,
          status: "active",
          variants: [{ sku: "traced-1", price: { amountMinor: 900, currency: "EUR" } }],
        },
      });
      return created.status === 201 ? (created.body as { variants: { id: string }[] }) : undefined;
    });
    const variantId = product.variants[0]?.id ?? "";
    await waitFor(
      async () =>
        (
          await rest("POST", `/inventory/${variantId}/adjustments`, {
            token: seller.token,
            body: { quantity: 3, reason: "replenishment" },
          })
        ).status === 200,
    );
    const buyer = await phoneBuyer(stack, rest);
    exporter.reset();
    const placed = await rest("POST", "/checkout", {
      token: buyer,
      headers: { "idempotency-key": "traced-checkout" },
      body: {
        shippingAddress: {
          name: "Trace Buyer",
          address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
        },
        lines: [{ variantId, quantity: 1 }],
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);

    const service = (span: ReadableSpan) => String(span.attributes["mercato.service"]);
    const request = await waitFor(() =>
      exporter.getFinishedSpans().find((span) => span.name === "POST /api/v1/checkout"),
    );
    const traceId = request.spanContext().traceId;
    // The events' consumers run after the answer: wait until the order event reached them.
    const spans = await waitFor(
      () => {
        const all = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
        const consumed = all.some((span) => span.name.startsWith("consume ") && span.name.includes("order"));
        // The seller's e-mail about the order goes out as a job of the notifications service.
        const delivered = all.some(
          (span) => span.name.startsWith("job ") && service(span) === "notifications",
        );
        return consumed && delivered ? all : undefined;
      },
      {
        timeoutMs: 20_000,
        message: "no consumer of the order event, or no delivery job, joined the checkout's trace",
      },
    );
    for (const name of ["gateway", "orders", "inventory", "products"])
      expect(spans.map(service), name).toContain(name);
    expect(spans.filter((span) => span.name.startsWith("publish mercato.orders.order.placed"))).toHaveLength(
      1,
    );
    expect(spans.some((span) => span.name === "db.transaction" && service(span) === "orders")).toBe(true);

    // One tree: every span but the request's has its parent among the trace's spans.
    const ids = new Set(spans.map((span) => span.spanContext().spanId));
    const orphans = spans.filter(
      (span) => span !== request && !ids.has(span.parentSpanContext?.spanId ?? ""),
    );
    expect(orphans.map((span) => `${service(span)} ${span.name}`)).toEqual([]);
    expect(request.parentSpanContext?.isRemote ?? false).toBe(true);
  });
});
