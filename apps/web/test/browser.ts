/**
 * What the browser journeys share: the embedded host serving the built web app on a known port
 * (so e-mailed links open it), Debian's chromium driven by playwright-core, an axe-core check of
 * every page visited, and screenshots at phone and desktop sizes.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeWhenAvailable, freePort } from "@mercato/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { type RealInfra, type Stack, startStack } from "../../../tests/e2e/stack.js";
import { buildWeb } from "../scripts/build.js";

const require = createRequire(import.meta.url);
const axeSource: string = require("axe-core").source;

export const webRoot = fileURLToPath(new URL("../dist", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
/** Where screenshots go: SCREENSHOTS_DIR, else test-results/screenshots (docs/screenshots for the README). */
export const screenshotsDir = process.env.SCREENSHOTS_DIR ?? join(repoRoot, "test-results/screenshots");

export const viewports = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 860 },
} as const;

/** Debian's chromium unless CHROMIUM_PATH names another; undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/**
 * A vitest `describe` for browser journeys: runs where a chromium is installed; without one it is
 * skipped with the reason printed, except under CI=true, where it fails naming what to install
 * (`npm test` on a fresh clone needs nothing but npm; `.ci/run` installs Debian's chromium).
 */
export function describeInBrowser(label: string, fn: () => void): void {
  describeWhenAvailable(
    chromiumPath() !== undefined,
    label,
    "no chromium: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH",
    fn,
  );
}

export interface WebStack {
  stack: Stack;
  url: string;
  browser: Browser;
  admin: { email: string; password: string };
  /** A new browser context (its own storage: one user) at the given size, German or English. */
  context(options?: { viewport?: keyof typeof viewports; locale?: string }): Promise<BrowserContext>;
  stop(): Promise<void>;
}

/**
 * Builds the web app when stale, starts every service and the gateway as `npm start` does (on
 * real infrastructure when given) with PUBLIC_URL at the gateway, and launches chromium.
 */
export async function startWebStack(options: { real?: RealInfra } = {}): Promise<WebStack> {
  await buildWeb();
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("no chromium: install Debian's chromium package or set CHROMIUM_PATH");
  const admin = { email: "console@mercato.test", password: "correct horse battery staple 42" };
  // The gateway's port is picked before it listens (PUBLIC_URL names it), so another process may
  // take it in between: then the stack starts again on another free port.
  const start = async (attemptsLeft: number): Promise<{ stack: Stack; url: string }> => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    try {
      const stack = await startStack({
        ...(options.real ? { real: options.real } : {}),
        catalog: true,
        commerce: true,
        notifications: true,
        media: true,
        env: {
          GATEWAY_PORT: String(port),
          PUBLIC_URL: url,
          WEB_ROOT: webRoot,
          ADMIN_EMAIL: admin.email,
          ADMIN_PASSWORD: admin.password,
        },
      });
      return { stack, url };
    } catch (error) {
      if (attemptsLeft > 1 && (error as NodeJS.ErrnoException).code === "EADDRINUSE")
        return start(attemptsLeft - 1);
      throw error;
    }
  };
  const { stack, url } = await start(3);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    // As root (CI containers) chromium refuses to start inside its sandbox.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  return {
    stack,
    url,
    browser,
    admin,
    context: async ({ viewport = "desktop", locale = "en-GB" } = {}) => {
      const context = await browser.newContext({ baseURL: url, viewport: viewports[viewport], locale });
      context.setDefaultTimeout(15_000);
      return context;
    },
    stop: async () => {
      await browser.close().catch(() => {});
      await stack.stop();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe-core violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Strings, not functions: they run in the page, which this (Node) project has no DOM types for.
  if (!(await page.evaluate<boolean>('"axe" in window'))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }).then((result) => result.violations)`,
  );
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Fails naming each serious or critical violation and where it is. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length === 0) return;
  const lines = violations.map(
    (v) => `- ${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  throw new Error(
    `axe-core found ${violations.length} serious or critical violations on ${where}:\n${lines.join("\n")}`,
  );
}

/** Writes `<name>-phone.png` and `<name>-desktop.png` of the page at its current address. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  const size = page.viewportSize();
  for (const [label, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(screenshotsDir, `${name}-${label}.png`), fullPage: false });
  }
  if (size) await page.setViewportSize(size);
}

/** Checks the page with axe-core and takes its screenshots: what every key page of a journey gets. */
export async function keyPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, `${name} (${page.url()})`);
  await screenshots(page, name);
}
