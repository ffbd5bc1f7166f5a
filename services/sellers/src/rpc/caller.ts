import type { HandlerContext } from "@connectrpc/connect";
import { type Caller, PermissionDenied, signedInCaller } from "@mercato/platform";
import { validate as isUuid } from "uuid";

// The caller of a call (id in lower case) or undefined, and the signed-in caller (Unauthenticated without one).
export { callerOf as optionalCaller, signedInCaller as requireCaller } from "@mercato/platform";

/** The signed-in user account (a UUID id, not a service); Unauthenticated or PermissionDenied otherwise. */
export function requireUser(handlerContext: HandlerContext): Caller {
  const caller = signedInCaller(handlerContext);
  // Storefronts and follows belong to user accounts, whose ids are UUIDs.
  if (!isUuid(caller.id)) throw new PermissionDenied("only user accounts own or follow storefronts");
  return caller;
}

/** The caller's user id when it is a user account (follows are looked up for it), else undefined. */
export function userIdOf(caller: Caller | undefined): string | undefined {
  return caller && isUuid(caller.id) ? caller.id : undefined;
}
