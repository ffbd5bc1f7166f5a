import type { HandlerContext } from "@connectrpc/connect";
import { type Caller, contextOf, PermissionDenied, Unauthenticated } from "@mercato/platform";
import { isAdmin } from "../domain/catalog-access.js";

/** The caller of a call, with a lower-case id, or undefined for an anonymous one. */
export function callerOf(handlerContext: HandlerContext): Caller | undefined {
  const caller = contextOf(handlerContext).caller;
  return caller ? { ...caller, id: caller.id.toLowerCase() } : undefined;
}

/** The signed-in caller; Unauthenticated without one. */
export function requireCaller(handlerContext: HandlerContext): Caller {
  const caller = callerOf(handlerContext);
  if (!caller) throw new Unauthenticated("sign in first");
  return caller;
}

/** The signed-in caller when it is an admin; PermissionDenied for anyone else. */
export function requireAdmin(handlerContext: HandlerContext): Caller {
  const caller = requireCaller(handlerContext);
  if (!isAdmin(caller)) throw new PermissionDenied("only admins manage the category tree");
  return caller;
}

/** The signed-in caller when it is a seller or an admin; PermissionDenied for anyone else. */
export function requireSeller(handlerContext: HandlerContext): Caller {
  const caller = requireCaller(handlerContext);
  if (!caller.roles.includes("seller") && !isAdmin(caller)) {
    throw new PermissionDenied("only sellers list products");
  }
  return caller;
}
