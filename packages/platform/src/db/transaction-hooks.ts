const hooks = new WeakMap<object, (() => void)[]>();

/**
 * Registers `fn` to run after the transaction `tx` commits. Only transactions opened through
 * `runTransaction` know when they commit; elsewhere `fn` is not called and pollers pick work up.
 */
export function afterCommit(tx: object, fn: () => void): void {
  hooks.get(tx)?.push(fn);
}

/** Opens a transaction with `open` and runs the after-commit hooks registered on it once it commits. */
export async function runTransaction<Tx extends object, T>(
  open: (body: (tx: Tx) => Promise<T>) => Promise<T>,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  let registered: (() => void)[] = [];
  const result = await open(async (tx) => {
    registered = [];
    hooks.set(tx, registered);
    return fn(tx);
  });
  for (const hook of new Set(registered)) {
    try {
      hook();
    } catch {
      // A hook only nudges background work; its failure must not fail a committed change.
    }
  }
  return result;
}
