import { randomBytes } from "node:crypto";
import { waitFor } from "@mercato/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, keyPage, startWebStack, type WebStack } from "./browser.js";
import { api, category, sellerWithProducts } from "./fixtures.js";

// The admin's journey: sign in, keep the category tree, suspend a storefront and see its products
// leave search; payouts and dead letters are one click away.
describeInBrowser("admin journey in the browser", () => {
  let web: WebStack;
  let shopSlug: string;
  const title = "Walnut cutting board";

  beforeAll(async () => {
    web = await startWebStack();
    const categoryId = await category(web, "Kitchen");
    const seller = await sellerWithProducts(web, "woodshop", categoryId, [
      { title, variants: [{ sku: "board-1", price: 5900, stock: 4 }] },
    ]);
    shopSlug = seller.slug;
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
  });

  const searchFinds = async (query: string) => {
    const reply = await api(web).graphql(
      "query($q: String) { search(query: $q) { edges { node { title } } } }",
      { q: query },
    );
    return ((reply.data?.search.edges ?? []) as { node: { title: string } }[]).some(
      (e) => e.node.title === query,
    );
  };

  it("signs in, adds a category, suspends a storefront and its products leave search", async () => {
    const context = await web.context({ viewport: "desktop" });
    const page = await context.newPage();
    await page.goto("/seller/sign-in");
    await page.getByLabel("E-mail").fill(web.admin.email);
    await page.getByLabel("Password").fill(web.admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Admin console" }).waitFor();
    await page.getByRole("heading", { name: "Storefronts waiting for approval" }).waitFor();
    await keyPage(page, "admin");

    await page
      .getByRole("navigation", { name: "Admin console" })
      .getByRole("link", { name: "Categories" })
      .click();
    const slug = `garden-${randomBytes(3).toString("hex")}`;
    const form = page.getByRole("form", { name: "New category" });
    await form.getByLabel("Name").fill("Garden");
    await form.getByLabel("Slug").fill(slug);
    await form.getByRole("button", { name: "Create category" }).click();
    await page.getByText("Created Garden.").waitFor();
    await page.getByRole("button", { name: "Edit Garden" }).waitFor();
    // The same slug again: the API's refusal appears next to the slug field.
    await form.getByLabel("Name").fill("Garden again");
    await form.getByLabel("Slug").fill(slug);
    await form.getByRole("button", { name: "Create category" }).click();
    await expect.poll(() => form.getByLabel("Slug").getAttribute("aria-invalid")).toBe("true");
    await keyPage(page, "admin-categories");

    expect(await searchFinds(title)).toBe(true);
    await page
      .getByRole("navigation", { name: "Admin console" })
      .getByRole("link", { name: "Storefronts" })
      .click();
    await page.getByLabel("Name contains").fill("woodshop");
    await page.getByRole("button", { name: "Filter" }).click();
    const store = page.getByRole("article", { name: "woodshop shop" });
    await store.getByRole("button", { name: "Suspend" }).click();
    await store.getByLabel("Reason for suspending").fill("Counterfeit goods reported");
    await keyPage(page, "admin-storefronts");
    await store.getByRole("button", { name: "Suspend storefront" }).click();
    await page.getByText("woodshop shop is suspended.").waitFor();
    await store.getByText("Reason: Counterfeit goods reported").waitFor();

    // Search learns of the suspension from an event: the product leaves it shortly after.
    await waitFor(async () => !(await searchFinds(title)), {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: "the suspended storefront's product stayed in search",
    });
    await page.goto(`/search?q=${encodeURIComponent(title)}`);
    await page.getByText("No products match").waitFor();
    await expect.poll(() => page.getByRole("link", { name: title, exact: true }).count()).toBe(0);
    // Its page says so to anyone who still has the link.
    await page.goto(`/storefronts/${shopSlug}`);
    await page.getByRole("heading", { level: 1, name: "woodshop shop" }).waitFor();

    await page.goto("/admin/payouts");
    await page.getByRole("heading", { level: 1, name: "Payouts" }).waitFor();
    await page.getByText("No payouts here.").waitFor();
    await keyPage(page, "admin-payouts");
    await page
      .getByRole("navigation", { name: "Admin console" })
      .getByRole("link", { name: "Dead letters" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Dead letters" }).waitFor();
    await keyPage(page, "admin-dead-letters");

    // Reactivated, the storefront's products come back.
    await page
      .getByRole("navigation", { name: "Admin console" })
      .getByRole("link", { name: "Storefronts" })
      .click();
    await page.getByLabel("Status").selectOption("SUSPENDED");
    await page.getByRole("button", { name: "Filter" }).click();
    await page
      .getByRole("article", { name: "woodshop shop" })
      .getByRole("button", { name: "Reactivate" })
      .click();
    await page.getByText("woodshop shop is active.").waitFor();
    await waitFor(() => searchFinds(title), {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: "the product never came back",
    });
    await context.close();
  }, 300_000);

  it("keeps the console from a buyer", async () => {
    const context = await web.context({ viewport: "phone" });
    const page = await context.newPage();
    await page.goto("/admin/storefronts");
    await page.getByText("Sign in to see this page.").waitFor();
    await context.close();
  }, 60_000);
});
