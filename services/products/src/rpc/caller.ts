import type { HandlerContext } from "@connectrpc/connect";
import { type Caller, PermissionDenied, signedInCaller } from "@mercato/platform";
import { isAdmin } from "../domain/catalog-access.js";

// The caller of a call (id in lower case) or undefined, and the signed-in caller (Unauthenticated without one).
export { callerOf, signedInCaller as requireCaller } from "@mercato/platform";

/** The signed-in caller when it is an admin; PermissionDenied for anyone else. */
export function requireAdmin(handlerContext: HandlerContext): Caller {
  const caller = signedInCaller(handlerContext);
  if (!isAdmin(caller)) throw new PermissionDenied("only admins manage the category tree");
  return caller;
}

/** The signed-in caller when it is a seller or an admin; PermissionDenied for anyone else. */
export function requireSeller(handlerContext: HandlerContext): Caller {
  const caller = signedInCaller(handlerContext);
  if (!caller.roles.includes("seller") && !isAdmin(caller)) {
    throw new PermissionDenied("only sellers list products");
  }
  return caller;
}
