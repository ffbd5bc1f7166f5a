import type { HandlerContext } from "@connectrpc/connect";
import { type Caller, PermissionDenied, signedInCaller } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** The signed-in user of a call; Unauthenticated without one, PermissionDenied for a non-user caller. */
export function requireUser(handlerContext: HandlerContext): Caller {
  const caller = signedInCaller(handlerContext);
  // Profiles and address books belong to user accounts, whose ids are UUIDs.
  if (!isUuid(caller.id)) throw new PermissionDenied("only user accounts have a profile and address book");
  return caller;
}
