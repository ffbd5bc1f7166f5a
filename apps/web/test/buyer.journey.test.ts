import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, keyPage, startWebStack, type WebStack } from "./browser.js";
import { api, category, randomPhone, sellerWithProducts } from "./fixtures.js";

// The buyer's journey: sign in with an SMS code, search with a typo, fill one cart from two
// sellers, check out once (a double click included) and follow the two orders.
describeInBrowser("buyer journey in the browser", () => {
  let web: WebStack;
  let potterySlug: string;
  beforeAll(async () => {
    web = await startWebStack();
    const categoryId = await category(web, "Coffee");
    await sellerWithProducts(web, "roastery", categoryId, [
      {
        title: "Espresso beans",
        optionNames: ["Weight"],
        variants: [
          { sku: "beans-250", price: 890, compareAt: 1090, options: { Weight: "250 g" }, stock: 20 },
          { sku: "beans-1000", price: 2990, options: { Weight: "1 kg" }, stock: 5 },
        ],
      },
    ]);
    const potter = await sellerWithProducts(web, "potter", categoryId, [
      { title: "Espresso cups", variants: [{ sku: "cups-2", price: 2400, stock: 8 }] },
    ]);
    potterySlug = potter.slug;
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
  });

  const addFromSearch = async (page: Page, title: string, weight?: string) => {
    await page.getByRole("link", { name: title, exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
    if (weight) await page.getByLabel("Weight").selectOption(weight);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added to cart.").waitFor();
  };

  it("signs in, searches with a typo, buys from two sellers and sees two orders", async () => {
    const context = await web.context({ viewport: "phone" });
    const page = await context.newPage();
    const phone = randomPhone();

    await page.goto("/");
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.getByLabel("Shopping near").selectOption("Berlin");
    await page.getByRole("link", { name: "Espresso cups", exact: true }).waitFor();
    await keyPage(page, "home");

    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.getByLabel("Mobile number").fill(phone);
    await keyPage(page, "sign-in");
    await page.getByRole("button", { name: "Send code" }).click();
    await page.getByLabel("Code from the SMS").fill(await web.stack.otpFor(phone));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Orders", exact: true }).waitFor();

    // A typo: the search corrects it and says so.
    await page.getByRole("searchbox", { name: "Search" }).first().fill("espreso");
    await page.getByRole("searchbox", { name: "Search" }).first().press("Enter");
    await page.getByText(/Showing results for/).waitFor();
    await page.getByRole("link", { name: "Espresso beans", exact: true }).waitFor();
    await keyPage(page, "search");

    await addFromSearch(page, "Espresso beans", "1 kg");
    await keyPage(page, "product");
    await page.goBack();
    await addFromSearch(page, "Espresso cups");

    await page.getByRole("link", { name: /^Cart/ }).click();
    await page.getByRole("heading", { name: /From roastery shop/ }).waitFor();
    await page.getByRole("heading", { name: /From potter shop/ }).waitFor();
    await keyPage(page, "cart");

    await page.getByRole("link", { name: "Check out" }).click();
    await page.getByLabel("Full name").fill("Ada Buyer");
    await page.getByLabel("Street and number").fill("Karl-Marx-Allee 90");
    await page.getByLabel("Postal code").fill("10243");
    await page.getByLabel("City").fill("Berlin");
    await page.getByRole("button", { name: "Save address" }).click();
    await page.getByRole("radio", { name: /Ada Buyer/ }).waitFor();
    await keyPage(page, "checkout");
    // A double click makes one checkout: the second click replays the first attempt's key.
    await page.getByRole("button", { name: "Place order" }).dblclick();

    await page.getByText("2 orders were placed").waitFor();
    await expect.poll(() => page.getByRole("heading", { name: /^Order from/ }).count()).toBe(2);
    await keyPage(page, "orders");

    const token = await page.evaluate<string>(
      'JSON.parse(localStorage.getItem("mercato.session")).accessToken',
    );
    const orders = await api(web).graphql("{ orders { edges { node { id status } } } }", {}, token);
    expect(orders.data?.orders.edges).toHaveLength(2);
    expect((await api(web).graphql("{ cart { lines { variantId } } }", {}, token)).data?.cart.lines).toEqual(
      [],
    );

    // A storefront's page, followed by the buyer.
    await page.goto(`/storefronts/${potterySlug}`);
    await page.getByRole("heading", { level: 1, name: "potter shop" }).waitFor();
    await page.getByRole("button", { name: "Follow" }).click();
    await page.getByText("You follow this storefront now.").waitFor();
    await expect
      .poll(() => page.getByRole("button", { name: "Following" }).getAttribute("aria-pressed"))
      .toBe("true");
    await keyPage(page, "storefront");

    await page.getByRole("link", { name: /^Inbox/ }).click();
    await page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor();
    await keyPage(page, "inbox");
    await page.getByRole("link", { name: "Account", exact: true }).click();
    await page.getByRole("heading", { name: "Address book" }).waitFor();
    await keyPage(page, "account");
    await context.close();
  }, 240_000);

  it("shows a wrong code next to the code field", async () => {
    const context = await web.context({ viewport: "desktop", locale: "de-DE" });
    const page = await context.newPage();
    const phone = randomPhone();
    await page.goto("/sign-in");
    await page.getByLabel("Handynummer").fill(phone);
    await page.getByRole("button", { name: "Code senden" }).click();
    const code = await web.stack.otpFor(phone);
    await page.getByLabel("Code aus der SMS").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    const field = page.getByLabel("Code aus der SMS");
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    await context.close();
  }, 120_000);
});
