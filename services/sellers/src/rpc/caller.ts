import type { HandlerContext } from "@connectrpc/connect";
import { type Caller, contextOf, PermissionDenied, Unauthenticated } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** The caller of a call with its id in lower case, or undefined for an anonymous call. */
export function optionalCaller(handlerContext: HandlerContext): Caller | undefined {
  const caller = contextOf(handlerContext).caller;
  return caller ? { ...caller, id: caller.id.toLowerCase() } : undefined;
}

/** The signed-in caller; Unauthenticated without one. */
export function requireCaller(handlerContext: HandlerContext): Caller {
  const caller = optionalCaller(handlerContext);
  if (!caller) throw new Unauthenticated("sign in first");
  return caller;
}

/** The signed-in user account (a UUID id, not a service); Unauthenticated or PermissionDenied otherwise. */
export function requireUser(handlerContext: HandlerContext): Caller {
  const caller = requireCaller(handlerContext);
  // Storefronts and follows belong to user accounts, whose ids are UUIDs.
  if (!isUuid(caller.id)) throw new PermissionDenied("only user accounts own or follow storefronts");
  return caller;
}

/** The caller's user id when it is a user account (follows are looked up for it), else undefined. */
export function userIdOf(caller: Caller | undefined): string | undefined {
  return caller && isUuid(caller.id) ? caller.id : undefined;
}
