import { createHmac, timingSafeEqual } from "node:crypto";
import { validate as isUuid } from "uuid";
import { type Category, categories } from "./preferences.js";

/**
 * One-click unsubscribe links: `<user id>.<category>.<HMAC-SHA256 of both>`, base64url, signed with
 * the service's key. Whoever holds a link may turn that one category's e-mail off for that one user,
 * nothing else; it never expires (an old e-mail's link must still work, RFC 8058).
 */
export class UnsubscribeTokens {
  constructor(private readonly key: string) {}

  sign(userId: string, category: Category): string {
    const body = `${userId}.${category}`;
    return `${Buffer.from(body).toString("base64url")}.${this.mac(body)}`;
  }

  /** The user and category a token names, or undefined when it is not one of ours. */
  verify(token: string): { userId: string; category: Category } | undefined {
    const [encoded, mac] = token.split(".");
    if (!encoded || !mac) return undefined;
    const body = Buffer.from(encoded, "base64url").toString();
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [userId, category] = body.split(".");
    if (!userId || !isUuid(userId) || !categories.includes(category as Category)) return undefined;
    return { userId, category: category as Category };
  }

  private mac(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}
