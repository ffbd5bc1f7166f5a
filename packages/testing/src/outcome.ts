/** How a call ended within a bound: its value, its error, or "still waiting" once the bound passed. */
export type Outcome<T> = { value: T } | { error: unknown } | "still waiting";

/**
 * What `call` settled with, or "still waiting" when it had not settled after `boundMs`: for tests
 * that prove a call does not hang (the bound is generous; it is not a measure of speed).
 */
export async function settledWithin<T>(call: Promise<T>, boundMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<"still waiting">((resolve) => {
    timer = setTimeout(() => resolve("still waiting"), boundMs);
  });
  try {
    return await Promise.race([
      call.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      waiting,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The status and body of a service's `GET /ready`. */
export async function readinessOf(
  baseUrl: string,
): Promise<{ status: number; body: { status: string; degraded: string[] } }> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; degraded: string[] } };
}

/** `dependency_up{dependency}` from a service's `/metrics`: 1 or 0, NaN when the service does not report it. */
export async function dependencyUp(baseUrl: string, dependency: string): Promise<number> {
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(new RegExp(`dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)`).exec(metrics)?.[1]);
}
