import { randomBytes } from "node:crypto";
import { waitFor } from "@mercato/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifiedSeller } from "../../../tests/e2e/stack.js";
import { describeInBrowser, keyPage, startWebStack, type WebStack } from "./browser.js";
import { api, category } from "./fixtures.js";

// The seller's journey: register, follow the e-mailed link, open a storefront, list a product with
// variants and stock it, then accept and ship a buyer's order; and a password reset by e-mail.
describeInBrowser("seller journey in the browser", () => {
  let web: WebStack;
  let takenSlug: string;
  const email = `maker-${randomBytes(4).toString("hex")}@shop.test`;
  const password = "a long passphrase for the maker";

  beforeAll(async () => {
    web = await startWebStack();
    await category(web, "Ceramics");
    // Another seller holds a slug, so the form can show the API's refusal next to the field.
    const other = await verifiedSeller(web.stack, api(web).rest, "rival", { storefront: true });
    const store = await api(web).graphql("{ myStorefront { slug } }", {}, other.token);
    takenSlug = store.data?.myStorefront.slug;
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
  });

  it("registers, verifies, opens a storefront, lists and stocks a product, then accepts and ships its order", async () => {
    const context = await web.context({ viewport: "desktop" });
    const page = await context.newPage();

    await page.goto("/seller/register");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await keyPage(page, "seller-register");
    await page.getByRole("button", { name: "Create seller account" }).click();
    await page.getByRole("heading", { name: "Check your e-mail" }).waitFor();

    // The link in the e-mail opens the web app's page.
    const token = await web.stack.linkTokenFor(email, "/verify-email");
    await page.goto(`/verify-email?token=${token}`);
    await page.getByText("Your e-mail address is confirmed.").waitFor();
    await keyPage(page, "verify-email");
    await page.getByRole("link", { name: "Open your storefront" }).click();

    await page.getByRole("heading", { name: "Open your storefront" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Maker's Pottery");
    await page.getByLabel("Web address").fill(takenSlug);
    await page.getByLabel("Street and number").fill("Oranienstraße 25");
    await page.getByLabel("Postal code").fill("10999");
    await page.getByLabel("City").fill("Berlin");
    await page.getByLabel("Latitude").fill("52.5006");
    await page.getByLabel("Longitude").fill("13.4232");
    await page.getByRole("button", { name: "Open storefront" }).click();
    // The API's refusal of a taken slug appears next to that field.
    await expect.poll(() => page.getByLabel("Web address").getAttribute("aria-invalid")).toBe("true");
    const slug = `makers-pottery-${randomBytes(3).toString("hex")}`;
    await page.getByLabel("Web address").fill(slug);
    await page.getByRole("button", { name: "Open storefront" }).click();
    await page.getByRole("heading", { name: "Your storefront" }).waitFor();
    await page.getByText("Open", { exact: true }).waitFor();
    await keyPage(page, "seller-storefront");

    await page.getByRole("link", { name: "Products" }).click();
    await page.getByRole("link", { name: "New product" }).click();
    await page.getByLabel("Title").fill("Stoneware mug");
    await page.getByLabel("Description").fill("Thrown by hand, glazed in blue.");
    await page.getByLabel("Category").selectOption({ label: "Ceramics" });
    await page.getByLabel("Options").fill("Size");
    await page.getByLabel("SKU").fill("mug-s");
    await page.getByLabel("Size").fill("Small");
    await page.getByLabel("Price (EUR)", { exact: true }).fill("19.90");
    await page.getByLabel("Compare-at price (EUR)").fill("24.90");
    await page.getByRole("button", { name: "Add a variant" }).click();
    const second = page.getByRole("group", { name: "Variant 2" });
    await second.getByLabel("SKU").fill("mug-l");
    await second.getByLabel("Size").fill("Large");
    await second.getByLabel("Price (EUR)", { exact: true }).fill("not a price");
    await page.getByRole("button", { name: "Create product" }).click();
    await expect
      .poll(() => second.getByLabel("Price (EUR)", { exact: true }).getAttribute("aria-invalid"))
      .toBe("true");
    await second.getByLabel("Price (EUR)", { exact: true }).fill("23.90");
    await page.getByRole("button", { name: "Create product" }).click();
    await page.getByRole("heading", { name: "Edit Stoneware mug" }).waitFor();
    await keyPage(page, "seller-product");

    await page.getByRole("link", { name: "Stock" }).click();
    for (const sku of ["mug-s", "mug-l"]) {
      const card = page
        .getByRole("listitem")
        .filter({ has: page.getByRole("heading", { name: new RegExp(sku) }) });
      await card.getByRole("button", { name: "Manage" }).click();
      await card.getByLabel("Units").fill("12");
      await card.getByRole("button", { name: "Save", exact: true }).click();
      await card.getByText("12 available").waitFor();
      await card.getByRole("button", { name: "Close" }).click();
    }
    await page
      .getByRole("listitem")
      .filter({ hasText: "mug-s" })
      .getByRole("button", { name: "Manage" })
      .click();
    await page.getByRole("cell", { name: "Delivery" }).first().waitFor();
    await keyPage(page, "seller-stock");

    // A buyer orders the large mug through the API.
    const sellerToken = await page.evaluate<string>(
      'JSON.parse(localStorage.getItem("mercato.session")).accessToken',
    );
    const { graphql } = api(web);
    const mine = await graphql(
      "{ myStorefront { products { edges { node { variants { id sku } } } } } }",
      {},
      sellerToken,
    );
    const variants: { id: string; sku: string }[] =
      mine.data?.myStorefront.products.edges[0].node.variants ?? [];
    const large = variants.find((v) => v.sku === "mug-l");
    // The buyer signs in in a browser of their own and watches their orders while the seller works.
    const buyerContext = await web.context({ viewport: "phone" });
    const buyerPage = await buyerContext.newPage();
    const phone = `+49152${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
    await buyerPage.goto("/sign-in");
    await buyerPage.getByLabel("Mobile number").fill(phone);
    await buyerPage.getByRole("button", { name: "Send code" }).click();
    await buyerPage.getByLabel("Code from the SMS").fill(await web.stack.otpFor(phone));
    await buyerPage.getByRole("button", { name: "Sign in" }).click();
    await buyerPage.getByRole("link", { name: "Orders", exact: true }).waitFor();
    const buyer = await buyerPage.evaluate<string>(
      'JSON.parse(localStorage.getItem("mercato.session")).accessToken',
    );
    const added = await waitFor(
      async () => {
        const reply = await graphql(
          "mutation($v: ID!) { addToCart(variantId: $v, quantity: 2) { lines { variantId } } }",
          { v: large?.id },
          buyer,
        );
        return reply.data?.addToCart ? reply : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(added.data?.addToCart.lines).toHaveLength(1);
    const placed = await graphql(
      "mutation($key: String!, $input: CheckoutInput!) { checkout(idempotencyKey: $key, input: $input) { orders { id } } }",
      {
        key: randomBytes(8).toString("hex"),
        input: {
          shippingAddress: {
            name: "Grace Buyer",
            address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
          },
        },
      },
      buyer,
    );
    expect(placed.errors).toBeUndefined();

    await buyerPage.getByRole("link", { name: "Orders", exact: true }).click();
    await buyerPage.getByText("Placed", { exact: true }).waitFor();

    await page.getByRole("link", { name: "Orders" }).click();
    const order = page.getByRole("article", { name: "Order for Grace Buyer" });
    await order.getByRole("button", { name: "Accept" }).click();
    await order.getByText("Accepted").waitFor();
    // The buyer's page shows the new status without a reload: the gateway pushes it.
    await buyerPage.getByText("Accepted", { exact: true }).waitFor();
    await order.getByRole("button", { name: "Ship" }).click();
    await order.getByLabel("Carrier").fill("DHL");
    await order.getByLabel("Tracking number").fill("00340434161094042557");
    await order.getByRole("button", { name: "Mark shipped" }).click();
    await order.getByText("tracking number 00340434161094042557").waitFor();
    await keyPage(page, "seller-orders");
    const shipped = await graphql(
      `query($id: ID!) { order(id: $id) { status trackingNumber } }`,
      { id: placed.data?.checkout.orders[0].id },
      buyer,
    );
    expect(shipped.data?.order).toEqual({ status: "SHIPPED", trackingNumber: "00340434161094042557" });
    await buyerPage.getByText("Tracking number 00340434161094042557").waitFor();
    await buyerContext.close();

    await page.getByRole("link", { name: "Money" }).click();
    await page.getByRole("heading", { name: "Ledger" }).waitFor();
    await keyPage(page, "seller-money");
    await context.close();
  }, 300_000);

  it("resets a forgotten password through the e-mailed link, refusing a weak one next to its field", async () => {
    const context = await web.context({ viewport: "phone" });
    const page = await context.newPage();
    await page.goto("/seller/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("E-mail").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByText(/a link to reset its password is on its way/).waitFor();

    const token = await web.stack.linkTokenFor(email, "/reset-password");
    await page.goto(`/reset-password?token=${token}`);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByLabel("New password again").fill("short");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect
      .poll(() => page.getByLabel("New password", { exact: true }).getAttribute("aria-invalid"))
      .toBe("true");
    await keyPage(page, "reset-password");

    const fresh = "a brand new passphrase for the maker";
    await page.getByLabel("New password", { exact: true }).fill(fresh);
    await page.getByLabel("New password again").fill(fresh);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByText("Your password is changed").waitFor();
    await page.getByRole("link", { name: "Sign in" }).last().click();
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(fresh);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Maker's Pottery" }).waitFor();

    // A link works once: used again, it says so in words, and so does a mangled verification link.
    await page.goto(`/reset-password?token=${token}`);
    await page.getByLabel("New password", { exact: true }).fill(`${fresh} again`);
    await page.getByLabel("New password again").fill(`${fresh} again`);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByText(/This link no longer works/).waitFor();
    await page.getByRole("link", { name: "Ask for a new link" }).waitFor();
    await page.goto(`/verify-email?token=${token.slice(0, 10)}`);
    await page.getByText(/This link no longer works/).waitFor();
    await context.close();
  }, 180_000);
});
