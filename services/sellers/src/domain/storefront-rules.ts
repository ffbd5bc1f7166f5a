import { type Caller, FailedPrecondition, InvalidArgument, PermissionDenied } from "@mercato/platform";

/** Where a storefront stands: buyers see only `active` ones. */
export type StorefrontStatusName = "pending" | "active" | "suspended";

/** Whether a new storefront opens at once (`auto`) or waits for an admin (`manual`). */
export type ApprovalMode = "auto" | "manual";

/** The status a new storefront starts in. */
export function initialStatus(approval: ApprovalMode): StorefrontStatusName {
  return approval === "auto" ? "active" : "pending";
}

/** True for an admin caller. */
export function isAdmin(caller: Caller | undefined): boolean {
  return caller?.roles.includes("admin") ?? false;
}

/** True when the caller owns the storefront or is an admin. */
export function mayManage(caller: Caller | undefined, ownerId: string): boolean {
  return caller !== undefined && (caller.id === ownerId || isAdmin(caller));
}

/** True when the caller may see a storefront: an active one anybody, any other its owner or an admin. */
export function maySee(caller: Caller | undefined, storefront: { ownerId: string; status: string }): boolean {
  return storefront.status === "active" || mayManage(caller, storefront.ownerId);
}

/** Refuses a caller who may not open a storefront: a seller account whose e-mail address is verified. */
export function assertMayOpenStorefront(caller: Caller): void {
  if (!caller.roles.includes("seller")) {
    throw new PermissionDenied("only seller accounts open storefronts; register as a seller first");
  }
  if (caller.claims.emailVerified !== true) {
    throw new PermissionDenied("verify your e-mail address before opening a storefront");
  }
}

/** Refuses a change to a storefront the caller neither owns nor administers. */
export function assertMayManage(caller: Caller, ownerId: string): void {
  if (!mayManage(caller, ownerId)) {
    throw new PermissionDenied("only the storefront's owner or an admin may change it");
  }
}

/** What SetStorefrontStatus writes: the status and its reason (kept only for a suspension). */
export function statusChange(
  status: "active" | "suspended",
  reason: string,
): { status: StorefrontStatusName; statusReason: string } {
  const trimmed = checkedText("reason", reason, { multiline: true }).trim();
  if (status === "suspended" && trimmed === "") {
    throw InvalidArgument.field("reason", "is required to suspend a storefront");
  }
  return { status, statusReason: status === "suspended" ? trimmed : "" };
}

/**
 * Refuses following a storefront that is not active (for a caller who can see it at all), or one's
 * own: a follower count is what buyers judge a storefront by.
 */
export function assertFollowable(caller: Caller, storefront: { ownerId: string; status: string }): void {
  if (storefront.status !== "active") throw new FailedPrecondition("only active storefronts can be followed");
  if (storefront.ownerId.toLowerCase() === caller.id.toLowerCase())
    throw new FailedPrecondition("a storefront cannot be followed by its own owner");
}

const controls = /\p{Cc}/u;
// A multi-line text keeps tab, line feed and carriage return.
const controlsMultiline = /(?![\t\n\r])\p{Cc}/u;

/** `value` when it holds no control characters (PostgreSQL text cannot even store NUL); else InvalidArgument on `field`. */
export function checkedText(field: string, value: string, options: { multiline?: boolean } = {}): string {
  if ((options.multiline ? controlsMultiline : controls).test(value)) {
    throw InvalidArgument.field(field, "must not contain control characters");
  }
  return value;
}

/** A display name: trimmed, inner runs of spaces kept, 2 to 100 characters after trimming. */
export function checkedName(field: string, value: string): string {
  const name = checkedText(field, value).trim();
  if ([...name].length < 2)
    throw InvalidArgument.field(field, "must have at least 2 characters besides spaces");
  return name;
}
