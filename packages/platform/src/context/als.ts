import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestContext } from "./context.js";

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current request context (read by logging and outgoing calls). */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request context of the code that is running, if any. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
