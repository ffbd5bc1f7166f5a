import type { Caller } from "@mercato/platform";

/** What a caller may do with a product: change it, only look at it, or not even know it exists. */
export type ProductAccess = "manage" | "view" | "none";

/** The parts of a product and its storefront that decide who sees and changes it. */
export interface AccessFacts {
  productStatus: string;
  storefrontOwnerId: string | undefined;
  storefrontStatus: string | undefined;
}

/** True for an admin caller. */
export function isAdmin(caller: Caller | undefined): boolean {
  return caller?.roles.includes("admin") ?? false;
}

/** True when the caller owns the storefront or is an admin: it sees and changes everything in it. */
export function manages(caller: Caller | undefined, storefrontOwnerId: string | undefined): boolean {
  return isAdmin(caller) || (caller !== undefined && caller.id === storefrontOwnerId);
}

/** True when buyers see the product: it is active and so is its storefront. */
export function isPublic(facts: AccessFacts): boolean {
  return facts.productStatus === "active" && facts.storefrontStatus === "active";
}

/** The owner and admins manage a product; everyone sees public products; nothing else is visible. */
export function accessTo(caller: Caller | undefined, facts: AccessFacts): ProductAccess {
  if (manages(caller, facts.storefrontOwnerId)) return "manage";
  return isPublic(facts) ? "view" : "none";
}
