import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use rather than when the platform is imported: every service
 * imports the platform, and only some send mail, push or run job queues. Loading nodemailer,
 * web-push and BullMQ in all of them cost each process megabytes of heap it never used (issue 22).
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(specifier) as T;
    return loaded;
  };
}
