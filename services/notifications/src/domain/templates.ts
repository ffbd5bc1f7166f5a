import type { Category } from "./preferences.js";

/** An amount in minor units of an ISO 4217 currency. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** One line of an order as a message shows it. */
export interface MessageLine {
  title: string;
  quantity: number;
  lineTotal: Money;
}

/** A shipping address as a message shows it: the name, then the address's lines. */
export interface ShipTo {
  name: string;
  lines: string[];
}

/** What happened, with what each message about it shows. One template per kind. */
export type Message =
  | {
      kind: "order.placed";
      checkoutId: string;
      orders: { orderId: string; sellerName: string; lines: MessageLine[]; total: Money }[];
      totals: Money[];
      shipTo: ShipTo;
    }
  | { kind: "order.accepted" | "order.delivered" | "order.completed"; orderId: string; sellerName: string }
  | { kind: "order.shipped"; orderId: string; sellerName: string; carrier: string; trackingNumber: string }
  | {
      kind: "order.cancelled";
      orderId: string;
      sellerName: string;
      by: "buyer" | "seller" | "platform";
      reason: string;
    }
  | {
      kind: "order.new";
      orderId: string;
      storefrontName: string;
      lines: MessageLine[];
      total: Money;
      shipTo: ShipTo;
    }
  | { kind: "order.cancelled_by_buyer"; orderId: string; storefrontName: string; reason: string }
  | { kind: "stock.low"; productTitle: string; variantId: string; available: number; threshold: number }
  | { kind: "payout.paid"; payoutId: string; amount: Money }
  | { kind: "payout.failed"; payoutId: string; amount: Money; reason: string }
  | { kind: "follower.new"; storefrontId: string; storefrontName: string; followerName: string }
  | { kind: "storefront.approved"; storefrontId: string; storefrontName: string }
  | { kind: "storefront.suspended"; storefrontId: string; storefrontName: string; reason: string }
  | { kind: "security.password_changed"; byReset: boolean }
  | { kind: "security.new_device"; userAgent: string; ip: string; at: Date }
  | { kind: "security.email_changed"; newEmail: string }
  | { kind: "security.email_added"; email: string }
  | { kind: "marketing.new_products"; storefrontId: string; storefrontName: string; titles: string[] };

export type Kind = Message["kind"];

/** Which category each kind belongs to. */
export const categoryOf: Record<Kind, Category> = {
  "order.placed": "transactional",
  "order.accepted": "transactional",
  "order.shipped": "transactional",
  "order.delivered": "transactional",
  "order.completed": "transactional",
  "order.cancelled": "transactional",
  "order.new": "transactional",
  "order.cancelled_by_buyer": "transactional",
  "stock.low": "low_stock",
  "payout.paid": "transactional",
  "payout.failed": "transactional",
  "follower.new": "follows",
  "storefront.approved": "transactional",
  "storefront.suspended": "transactional",
  "security.password_changed": "security",
  "security.new_device": "security",
  "security.email_changed": "security",
  "security.email_added": "security",
  "marketing.new_products": "marketing",
};

/** A message rendered for one recipient: short (push, in-app) and long (e-mail) forms. */
export interface Rendered {
  category: Category;
  /** Push title and in-app title. */
  title: string;
  /** Push body and in-app body. */
  body: string;
  subject: string;
  text: string;
  html: string;
  /** What it is about, for the app to open (order_id, …). */
  data: Record<string, string>;
}

export type Language = "en" | "de";

/** The language of a BCP 47 locale we write in: German for de*, English otherwise. */
export function languageOf(locale: string): Language {
  return locale.toLowerCase().startsWith("de") ? "de" : "en";
}

/** Number formats by language and currency: making one costs far more than formatting with it. */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; scale: number }>();

export function formatMoney(money: Money, language: Language): string {
  const key = `${language} ${money.currency}`;
  let found = moneyFormats.get(key);
  if (!found) {
    const format = new Intl.NumberFormat(language === "de" ? "de-DE" : "en-GB", {
      style: "currency",
      currency: money.currency,
    });
    found = { format, scale: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    // Currencies are ISO 4217 codes, a few hundred at most; the bound guards against anything else.
    if (moneyFormats.size < 1_000) moneyFormats.set(key, found);
  }
  return found.format.format(money.amountMinor / found.scale);
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** A long form as paragraphs (a list is a paragraph of lines): the text and HTML e-mail bodies from one source. */
type Block = string | string[];

function longForm(
  greeting: string,
  blocks: readonly Block[],
  closing: string,
): { text: string; html: string } {
  const all: Block[] = [greeting, ...blocks, closing];
  const text = `${all.map((block) => (typeof block === "string" ? block : block.map((l) => `  ${l}`).join("\n"))).join("\n\n")}\n`;
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${all
    .map((block) =>
      typeof block === "string"
        ? `<p>${escapeHtml(block)}</p>`
        : `<ul>${block.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>`,
    )
    .join("")}</body></html>`;
  return { text, html };
}

const words = {
  en: {
    hello: (name: string) => (name ? `Hello ${name},` : "Hello,"),
    closing: "— Mercato",
    shipTo: "Ship to:",
    total: "Total",
    by: { buyer: "you", seller: "the seller", platform: "Mercato" },
  },
  de: {
    hello: (name: string) => (name ? `Hallo ${name},` : "Hallo,"),
    closing: "— Mercato",
    shipTo: "Lieferadresse:",
    total: "Summe",
    by: { buyer: "dich", seller: "den Verkäufer", platform: "Mercato" },
  },
} as const;

function lineList(lines: readonly MessageLine[], language: Language): string[] {
  return lines.map((line) => `${line.quantity} × ${line.title}: ${formatMoney(line.lineTotal, language)}`);
}

/** Renders `message` for a recipient called `name` in `language`; `unsubscribeUrl` ends a marketing e-mail. */
export function render(
  message: Message,
  language: Language,
  name: string,
  unsubscribeUrl?: string,
): Rendered {
  const w = words[language];
  const de = language === "de";
  const money = (value: Money) => formatMoney(value, language);
  const out = (
    title: string,
    body: string,
    subject: string,
    blocks: Block[],
    data: Record<string, string>,
  ): Rendered => ({
    category: categoryOf[message.kind],
    title,
    body,
    subject,
    ...longForm(w.hello(name), blocks, w.closing),
    data: { kind: message.kind, ...data },
  });
  switch (message.kind) {
    case "order.placed": {
      const totals = message.totals.map(money).join(" + ");
      const sellers = message.orders.length;
      const title = de ? "Bestellung aufgegeben" : "Order placed";
      const body = de
        ? `${sellers === 1 ? "Deine Bestellung" : `Deine ${sellers} Bestellungen`} über ${totals} ${sellers === 1 ? "ist" : "sind"} eingegangen.`
        : `Your ${sellers === 1 ? "order" : `${sellers} orders`} for ${totals} ${sellers === 1 ? "is" : "are"} placed.`;
      const blocks: Block[] = [body];
      for (const order of message.orders) {
        blocks.push(de ? `Bei ${order.sellerName}:` : `From ${order.sellerName}:`);
        blocks.push([...lineList(order.lines, language), `${w.total}: ${money(order.total)}`]);
      }
      blocks.push(w.shipTo, [message.shipTo.name, ...message.shipTo.lines]);
      return out(title, body, de ? `Deine Bestellung über ${totals}` : `Your order for ${totals}`, blocks, {
        checkout_id: message.checkoutId,
        order_ids: message.orders.map((o) => o.orderId).join(","),
      });
    }
    case "order.accepted":
    case "order.delivered":
    case "order.completed": {
      const text = {
        "order.accepted": de
          ? [`Bestellung angenommen`, `${message.sellerName} hat deine Bestellung angenommen.`]
          : [`Order accepted`, `${message.sellerName} accepted your order.`],
        "order.delivered": de
          ? [`Bestellung zugestellt`, `Deine Bestellung von ${message.sellerName} wurde zugestellt.`]
          : [`Order delivered`, `Your order from ${message.sellerName} was delivered.`],
        "order.completed": de
          ? [`Bestellung abgeschlossen`, `Deine Bestellung von ${message.sellerName} ist abgeschlossen.`]
          : [`Order completed`, `Your order from ${message.sellerName} is completed.`],
      }[message.kind];
      const [title, body] = text as [string, string];
      return out(title, body, title, [body], { order_id: message.orderId });
    }
    case "order.shipped": {
      const title = de ? "Bestellung versandt" : "Order shipped";
      const tracking = message.carrier
        ? `${message.carrier} ${message.trackingNumber}`.trim()
        : message.trackingNumber;
      const body = de
        ? `${message.sellerName} hat deine Bestellung versandt${tracking ? ` (Sendungsnummer ${tracking})` : ""}.`
        : `${message.sellerName} shipped your order${tracking ? ` (tracking ${tracking})` : ""}.`;
      return out(title, body, title, [body], {
        order_id: message.orderId,
        carrier: message.carrier,
        tracking_number: message.trackingNumber,
      });
    }
    case "order.cancelled": {
      const title = de ? "Bestellung storniert" : "Order cancelled";
      const body = de
        ? `Deine Bestellung von ${message.sellerName} wurde von ${w.by[message.by]} storniert${message.reason ? `: ${message.reason}` : "."}`
        : `Your order from ${message.sellerName} was cancelled by ${w.by[message.by]}${message.reason ? `: ${message.reason}` : "."}`;
      return out(title, body, title, [body], { order_id: message.orderId, cancelled_by: message.by });
    }
    case "order.new": {
      const title = de ? "Neue Bestellung" : "New order";
      const body = de
        ? `${message.storefrontName} hat eine neue Bestellung über ${money(message.total)}.`
        : `${message.storefrontName} has a new order for ${money(message.total)}.`;
      const blocks: Block[] = [
        body,
        [...lineList(message.lines, language), `${w.total}: ${money(message.total)}`],
        w.shipTo,
        [message.shipTo.name, ...message.shipTo.lines],
      ];
      return out(title, body, `${title}: ${money(message.total)}`, blocks, { order_id: message.orderId });
    }
    case "order.cancelled_by_buyer": {
      const title = de ? "Bestellung vom Käufer storniert" : "Order cancelled by the buyer";
      const body = de
        ? `Der Käufer hat eine Bestellung bei ${message.storefrontName} storniert${message.reason ? `: ${message.reason}` : "."}`
        : `The buyer cancelled an order at ${message.storefrontName}${message.reason ? `: ${message.reason}` : "."}`;
      return out(title, body, title, [body], { order_id: message.orderId });
    }
    case "stock.low": {
      const title = de ? "Bestand niedrig" : "Low stock";
      const body = de
        ? `${message.productTitle}: nur noch ${message.available} verfügbar (Schwelle ${message.threshold}).`
        : `${message.productTitle}: only ${message.available} left (threshold ${message.threshold}).`;
      return out(title, body, `${title}: ${message.productTitle}`, [body], { variant_id: message.variantId });
    }
    case "payout.paid": {
      const title = de ? "Auszahlung überwiesen" : "Payout paid";
      const body = de
        ? `Deine Auszahlung über ${money(message.amount)} ist überwiesen.`
        : `Your payout of ${money(message.amount)} is paid.`;
      return out(title, body, title, [body], { payout_id: message.payoutId });
    }
    case "payout.failed": {
      const title = de ? "Auszahlung fehlgeschlagen" : "Payout failed";
      const body = de
        ? `Deine Auszahlung über ${money(message.amount)} ist fehlgeschlagen: ${message.reason}`
        : `Your payout of ${money(message.amount)} failed: ${message.reason}`;
      return out(title, body, title, [body], { payout_id: message.payoutId });
    }
    case "follower.new": {
      const title = de ? "Neuer Follower" : "New follower";
      const who = message.followerName || (de ? "Jemand" : "Someone");
      const body = de
        ? `${who} folgt jetzt ${message.storefrontName}.`
        : `${who} now follows ${message.storefrontName}.`;
      return out(title, body, title, [body], { storefront_id: message.storefrontId });
    }
    case "storefront.approved": {
      const title = de ? "Shop freigeschaltet" : "Storefront approved";
      const body = de
        ? `${message.storefrontName} ist freigeschaltet: Käufer finden jetzt deine Produkte.`
        : `${message.storefrontName} is approved: buyers can find your products now.`;
      return out(title, body, title, [body], { storefront_id: message.storefrontId });
    }
    case "storefront.suspended": {
      const title = de ? "Shop gesperrt" : "Storefront suspended";
      const body = de
        ? `${message.storefrontName} wurde gesperrt${message.reason ? `: ${message.reason}` : "."}`
        : `${message.storefrontName} was suspended${message.reason ? `: ${message.reason}` : "."}`;
      return out(title, body, title, [body], { storefront_id: message.storefrontId });
    }
    case "security.password_changed": {
      const title = de ? "Passwort geändert" : "Password changed";
      const how = message.byReset
        ? de
          ? "über einen Link zum Zurücksetzen neu gesetzt"
          : "set through a reset link"
        : de
          ? "geändert"
          : "changed";
      const body = de ? `Das Passwort deines Kontos wurde ${how}.` : `Your account's password was ${how}.`;
      const warn = de
        ? "Warst du das nicht, setze dein Passwort sofort zurück."
        : "If this was not you, reset your password now.";
      return out(title, body, title, [body, warn], {});
    }
    case "security.new_device": {
      const title = de ? "Anmeldung von einem neuen Gerät" : "Sign-in from a new device";
      const when = message.at.toISOString().replace("T", " ").slice(0, 16);
      const body = de
        ? `Neue Anmeldung am ${when} UTC von ${message.userAgent || "einem unbekannten Gerät"}.`
        : `New sign-in on ${when} UTC from ${message.userAgent || "an unknown device"}.`;
      const warn = de
        ? `IP-Adresse: ${message.ip}. Warst du das nicht, melde deine anderen Sitzungen ab und ändere dein Passwort.`
        : `IP address: ${message.ip}. If this was not you, sign out your other sessions and change your password.`;
      return out(title, body, title, [body, warn], {});
    }
    case "marketing.new_products": {
      const n = message.titles.length;
      const title = de ? `Neu bei ${message.storefrontName}` : `New at ${message.storefrontName}`;
      const body = de
        ? `${message.storefrontName} hat ${n === 1 ? "ein neues Produkt" : `${n} neue Produkte`}: ${message.titles.slice(0, 3).join(", ")}${n > 3 ? " …" : ""}`
        : `${message.storefrontName} has ${n === 1 ? "a new product" : `${n} new products`}: ${message.titles.slice(0, 3).join(", ")}${n > 3 ? " …" : ""}`;
      const blocks: Block[] = [body, message.titles];
      if (unsubscribeUrl)
        blocks.push(
          de
            ? `Keine solchen E-Mails mehr: ${unsubscribeUrl}`
            : `No more of these e-mails: ${unsubscribeUrl}`,
        );
      return out(title, body, title, blocks, { storefront_id: message.storefrontId });
    }
    case "security.email_added": {
      const title = de ? "E-Mail-Adresse hinzugefügt" : "E-mail address added";
      const body = de
        ? `Nachrichten zu deinen Bestellungen kommen jetzt an ${message.email}.`
        : `News of your orders now comes to ${message.email}.`;
      const warn = de
        ? "Warst du das nicht, melde dich an und entferne sie."
        : "If this was not you, sign in and remove it.";
      return out(title, body, title, [body, warn], {});
    }
    case "security.email_changed": {
      const title = de ? "E-Mail-Adresse geändert" : "E-mail address changed";
      const body = de
        ? `Die E-Mail-Adresse deines Profils ist jetzt ${message.newEmail}.`
        : `Your profile's e-mail address is now ${message.newEmail}.`;
      const warn = de
        ? "Warst du das nicht, melde dich an und ändere sie zurück."
        : "If this was not you, sign in and change it back.";
      return out(title, body, title, [body, warn], {});
    }
  }
}
