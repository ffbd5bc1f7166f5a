import { waitFor } from "@mercato/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, keyPage, startWebStack, type WebStack } from "./browser.js";
import { api, category, type ProductSeed, randomPhone, sellerWithProducts } from "./fixtures.js";

// The shop's search filters and paging, a German storefront, and a cart that tells the buyer
// when a price or the stock changed after they added the product.
describeInBrowser("shop pages in the browser", () => {
  let web: WebStack;
  let seller: Awaited<ReturnType<typeof sellerWithProducts>>;
  beforeAll(async () => {
    web = await startWebStack();
    const categoryId = await category(web, "Tea");
    // Fourteen teas: more than a search page holds.
    const teas: ProductSeed[] = Array.from({ length: 14 }, (_, i) => ({
      title: `Green tea ${String(i + 1).padStart(2, "0")}`,
      optionNames: ["Size"],
      variants: [
        {
          sku: `tea-${i}-s`,
          price: 300 + i * 100,
          options: { Size: i % 2 === 0 ? "S" : "L" },
          stock: 5,
        },
      ],
    }));
    seller = await sellerWithProducts(web, "teahouse", categoryId, teas);
    // Then the last sells out: search must learn it is no longer in stock.
    const { rest, graphql } = api(web);
    const last = seller.products[13]?.variantIds[0] ?? "";
    const soldOut = await rest("POST", `/inventory/${last}/adjustments`, {
      token: seller.token,
      body: { quantity: -5, reason: "adjustment", note: "broken in the warehouse" },
    });
    expect(soldOut.status).toBe(200);
    await waitFor(
      async () => {
        const found = await graphql('{ search(query: "Green tea 14") { edges { node { title inStock } } } }');
        const hits = (found.data?.search?.edges ?? []) as { node: { title: string; inStock: boolean } }[];
        return hits.some((e) => e.node.title === "Green tea 14" && !e.node.inStock);
      },
      { timeoutMs: 30_000, message: "search never learnt Green tea 14 sold out" },
    );
  }, 300_000);
  afterAll(async () => {
    await web?.stop();
  });

  const titles = async (page: import("playwright-core").Page) =>
    page.locator(".product-card h3").allTextContents();

  it("pages through results and narrows them by stock, price and option", async () => {
    const context = await web.context({ viewport: "desktop" });
    const page = await context.newPage();
    await page.goto("/search?q=green%20tea&sort=PRICE_ASC");
    await expect.poll(async () => (await titles(page)).length, { timeout: 20_000 }).toBe(12);
    await page.getByRole("button", { name: "Show more" }).click();
    await expect.poll(async () => (await titles(page)).length).toBe(14);

    await page.getByLabel("In stock only").check();
    await page.getByRole("button", { name: "Show results" }).click();
    await expect.poll(() => page.url()).toContain("inStock=1");
    await page.getByRole("button", { name: "Show more" }).click();
    await expect.poll(async () => (await titles(page)).length).toBe(13);
    expect(await titles(page)).not.toContain("Green tea 14");

    await page.getByLabel("To", { exact: true }).fill("5.50");
    await page.getByRole("button", { name: "Show results" }).click();
    // 3.00 to 5.00: teas 01 to 03.
    await expect
      .poll(async () => (await titles(page)).sort())
      .toEqual(["Green tea 01", "Green tea 02", "Green tea 03"]);

    await page.getByLabel("Option", { exact: true }).fill("Size: L");
    await page.getByRole("button", { name: "Show results" }).click();
    await expect.poll(async () => titles(page)).toEqual(["Green tea 02"]);

    await page.getByLabel("To", { exact: true }).fill("five");
    await page.getByRole("button", { name: "Show results" }).click();
    await expect.poll(() => page.getByLabel("From").getAttribute("aria-invalid")).toBe("true");
    await context.close();
  }, 180_000);

  it("speaks German on a storefront page and its products", async () => {
    const context = await web.context({ viewport: "phone", locale: "de-DE" });
    const page = await context.newPage();
    await page.goto(`/storefronts/${seller.slug}`);
    await page.getByRole("heading", { level: 2, name: "Produkte" }).waitFor();
    await page.getByRole("link", { name: "Anmelden zum Folgen" }).waitFor();
    await page.getByRole("link", { name: "Green tea 01", exact: true }).click();
    await page.getByRole("button", { name: "In den Warenkorb" }).waitFor();
    await keyPage(page, "product-de");
    await context.close();
  }, 120_000);

  it("shows the buyer a price and stock that changed after they added the product", async () => {
    const context = await web.context({ viewport: "phone" });
    const page = await context.newPage();
    const phone = randomPhone();
    await page.goto(`/sign-in?next=${encodeURIComponent(`/products/${seller.products[0]?.id}`)}`);
    await page.getByLabel("Mobile number").fill(phone);
    await page.getByRole("button", { name: "Send code" }).click();
    await page.getByLabel("Code from the SMS").fill(await web.stack.otpFor(phone));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added to cart.").waitFor();

    const changed = await api(web).graphql(
      'mutation($id: ID!) { updateVariant(id: $id, input: { price: { amountMinor: 450, currency: "EUR" } }) { variant { id } } }',
      { id: seller.products[0]?.variantIds[0] },
      seller.token,
    );
    expect(changed.errors).toBeUndefined();
    await page.getByRole("link", { name: "View cart" }).click();
    await page.getByText("was €3.00 when added").waitFor();
    await page.getByText("The price of 1 item changed since you added it.").waitFor();
    await page.getByText("€4.50").first().waitFor();

    // Three wanted, then the seller finds only two on the shelf: the cart says so and holds
    // checkout back.
    await page.getByLabel("Quantity").selectOption("3");
    await page.getByText("€13.50").first().waitFor();
    const shelf = await api(web).rest("POST", `/inventory/${seller.products[0]?.variantIds[0]}/adjustments`, {
      token: seller.token,
      body: { quantity: -3, reason: "adjustment", note: "counted the shelf" },
    });
    expect(shelf.status).toBe(200);
    await page.reload();
    await page.getByText("Only 2 left.").waitFor();
    await page.getByText("1 item is not available in the quantity you want.").waitFor();
    await expect
      .poll(() => page.getByRole("link", { name: "Check out" }).getAttribute("aria-disabled"))
      .toBe("true");
    await context.close();
  }, 120_000);
});
