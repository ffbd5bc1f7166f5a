import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";

/** Options of ServiceEndpoints. */
export interface ServiceEndpointsOptions {
  /** How often the names are looked up again, in ms; default 10 000. */
  resolveEveryMs?: number;
  /** How long an endpoint that refused a connection is left out, in ms; default 5 000. */
  downForMs?: number;
  /** Looks up the IPv4 and IPv6 addresses of a name (default: DNS, 2 s per try). */
  lookup?: (hostname: string) => Promise<string[]>;
}

const resolver = new Resolver({ timeout: 2_000, tries: 2 });

/** A and AAAA records of `hostname` from DNS (no /etc/hosts): what a headless Service or a compose service with replicas answers. */
async function dnsLookup(hostname: string): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  return [...(v4.status === "fulfilled" ? v4.value : []), ...(v6.status === "fulfilled" ? v6.value : [])];
}

/**
 * Every replica of a service, for callers that spread their calls across them (ADR 0047). HTTP/2
 * keeps one connection per origin, so a Kubernetes Service or one compose name would send every
 * call of a caller to the one replica its connection reached. `urls` is one URL or several,
 * comma-separated; each name in them is looked up in DNS (a headless Service answers with every
 * pod) and again every `resolveEveryMs`, so replicas that come are used and replicas that went are
 * dropped. A name DNS does not know (`localhost`, a name only /etc/hosts holds) stays as written,
 * and so does the last answer while a lookup fails. `next()` takes the endpoints in turn, leaving
 * out for `downForMs` one that refused a connection (`down`), unless every one did.
 */
export class ServiceEndpoints {
  private readonly urls: URL[];
  private readonly lookup: (hostname: string) => Promise<string[]>;
  private readonly resolveEveryMs: number;
  private readonly downForMs: number;
  private origins: string[];
  private readonly downUntil = new Map<string, number>();
  private resolvedAt = Number.NEGATIVE_INFINITY;
  private resolving: Promise<void> | undefined;
  private turn = 0;

  constructor(urls: string, options: ServiceEndpointsOptions = {}) {
    this.urls = urls
      .split(",")
      .map((url) => url.trim())
      .filter(Boolean)
      .map((url) => new URL(url));
    if (this.urls.length === 0) throw new Error("a service needs at least one URL");
    this.lookup = options.lookup ?? dnsLookup;
    this.resolveEveryMs = options.resolveEveryMs ?? 10_000;
    this.downForMs = options.downForMs ?? 5_000;
    this.origins = this.urls.map((url) => url.origin);
  }

  /** Whether any name needs looking up (an address or `localhost` does not). */
  private get named(): boolean {
    return this.urls.some((url) => needsLookup(url.hostname));
  }

  /** The endpoints now, as origins (`http://10.0.0.7:8080`). */
  current(): readonly string[] {
    return this.origins;
  }

  /** Looks the names up once more now; the previous endpoints stay when a lookup fails. */
  async refresh(): Promise<void> {
    if (!this.resolving)
      this.resolving = this.resolve().finally(() => {
        this.resolving = undefined;
      });
    return this.resolving;
  }

  private async resolve(): Promise<void> {
    const found = await Promise.all(
      this.urls.map(async (url) => {
        if (!needsLookup(url.hostname)) return [url.origin];
        const addresses = await this.lookup(url.hostname).catch(() => [] as string[]);
        if (addresses.length === 0) {
          // Unknown to DNS (or DNS is away): keep what this name gave before, else the name itself.
          const before = this.origins.filter((origin) => this.cameFrom(origin, url));
          return before.length > 0 ? before : [url.origin];
        }
        return addresses.map((address) => originOf(url, address));
      }),
    );
    this.origins = [...new Set(found.flat())];
    for (const origin of this.downUntil.keys())
      if (!this.origins.includes(origin)) this.downUntil.delete(origin);
    this.resolvedAt = performance.now();
  }

  private cameFrom(origin: string, url: URL): boolean {
    const parsed = new URL(origin);
    return parsed.protocol === url.protocol && parsed.port === url.port;
  }

  /**
   * The endpoint for the next call: waits for the first lookup, then looks again in the
   * background once `resolveEveryMs` has passed.
   */
  async next(): Promise<string> {
    if (this.named) {
      if (this.resolvedAt === Number.NEGATIVE_INFINITY) await this.refresh();
      else if (performance.now() - this.resolvedAt > this.resolveEveryMs) void this.refresh();
    }
    const now = performance.now();
    const up = this.origins.filter((origin) => (this.downUntil.get(origin) ?? 0) <= now);
    const choices = up.length > 0 ? up : this.origins;
    this.turn = (this.turn + 1) % Number.MAX_SAFE_INTEGER;
    return choices[this.turn % choices.length] as string;
  }

  /** Leaves `origin` out for `downForMs`: it refused a connection or went away. */
  down(origin: string): void {
    if (this.origins.length > 1) this.downUntil.set(origin, performance.now() + this.downForMs);
  }
}

function needsLookup(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return isIP(bare) === 0 && bare !== "localhost";
}

function originOf(url: URL, address: string): string {
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`;
}
