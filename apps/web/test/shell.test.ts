import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, expectAccessible, startWebStack, type WebStack } from "./browser.js";

// The shell every page shares, served by the gateway: deep links, not-found, language, API paths.
describeInBrowser("web app shell", () => {
  let web: WebStack;
  beforeAll(async () => {
    web = await startWebStack();
  }, 120_000);
  afterAll(async () => {
    await web?.stop();
  });

  it("opens a deep link as a page of the app, and says not found for an unknown page", async () => {
    const context = await web.context();
    const page = await context.newPage();
    await page.goto("/no/such/page");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    await expectAccessible(page, "not found");
    await context.close();
  });

  it("keeps API paths out of the app: an unknown API route answers the JSON error", async () => {
    const reply = await fetch(`${web.url}/api/v1/no-such-route`, { headers: { accept: "text/html" } });
    expect(reply.status).toBe(404);
    expect(((await reply.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("serves hashed assets for a year and the page revalidated", async () => {
    const page = await fetch(`${web.url}/`);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${web.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    await asset.body?.cancel();
  });

  it("speaks German to a German browser", async () => {
    const context = await web.context({ locale: "de-DE" });
    const page = await context.newPage();
    await page.goto("/no/such/page");
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Seite nicht gefunden");
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("de");
    await context.close();
  });
});
