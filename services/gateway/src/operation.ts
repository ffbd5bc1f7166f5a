import type { RequestContext, Role } from "@mercato/platform/context";
import { PermissionDenied } from "@mercato/platform/errors";
import { requireCaller } from "./module.js";

/**
 * Who may run an operation: anyone (a refused token then leaves the caller unset), any signed-in
 * caller, or a signed-in caller holding one of `roles` (otherwise PERMISSION_DENIED saying `refusal`).
 */
export type Access =
  | { readonly signedIn: false }
  | { readonly signedIn: true; readonly roles?: readonly Role[]; readonly refusal?: string };

/** Access of an operation any caller may run, signed in or not. */
export const anyone: Access = { signedIn: false };

/** Access of an operation for any signed-in caller. */
export const signedIn: Access = { signedIn: true };

/** Access of an operation for signed-in callers holding one of `roles`; others are refused saying `refusal`. */
export function withRole(roles: readonly Role[], refusal: string): Access {
  return { signedIn: true, roles, refusal };
}

/** Throws Unauthenticated or PermissionDenied unless the request's caller meets `access`. */
export function checkAccess(ctx: RequestContext, access: Access): void {
  if (!access.signedIn) return;
  const caller = requireCaller(ctx);
  if (access.roles && !access.roles.some((role) => caller.roles.includes(role)))
    throw new PermissionDenied(access.refusal ?? `this needs the role ${access.roles.join(" or ")}`);
}

/**
 * One use case of the gateway, called alike by its REST route and its GraphQL resolver: the
 * request context and a typed input in, a typed answer out. It checks its own access first, so
 * an adapter that forgets to declare it still cannot skip it.
 */
export interface Operation<Input, Output> {
  (ctx: RequestContext, input: Input): Promise<Output>;
  /** Who may run it; the REST route declares it as its config and the GraphQL adapter checks it first. */
  readonly access: Access;
}

/** Declares an operation: `run` is called only once the caller meets `access`. */
export function operation<Input, Output>(
  access: Access,
  run: (ctx: RequestContext, input: Input) => Promise<Output>,
): Operation<Input, Output> {
  const guarded = async (ctx: RequestContext, input: Input) => {
    checkAccess(ctx, access);
    return run(ctx, input);
  };
  return Object.assign(guarded, { access });
}
