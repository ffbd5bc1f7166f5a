// Product and storefront documents as buyers see them, kept in each gateway replica between
// requests and forgotten when the catalog events say they changed (issue 22, ADR 0050). Every
// replica subscribes for itself (fan-out), so an edit reaches every replica's cache; while the bus
// connection is away the cache holds and serves nothing, since it could miss an event. Whole
// answers to anonymous catalog queries are kept here too, forgotten on every catalog event
// (ADR 0052; graphql-answers.ts decides which).
import { fromBinary } from "@bufbuild/protobuf";
import { eventSubjects } from "@mercato/contracts/events";
import { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import {
  StorefrontChangedSchema,
  StorefrontFollowedSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { Caller } from "@mercato/platform/context";
import { LRUCache } from "lru-cache";
import type { Counter } from "prom-client";
import type { LiveEventSource } from "./live.js";
import type { LiveEvent } from "./live-feed.js";
import type { StorefrontJson } from "./modules/catalog-json.js";
import type { ProductModel } from "./modules/products/schemas.js";
import type { ServiceDirectory } from "./services.js";

/** Options of a CatalogCache. */
export interface CatalogCacheOptions {
  /** Most documents of each kind kept; 0 turns the cache off. */
  maxEntries: number;
  /** Longest a document is kept, in ms, even with no event about it. */
  ttlMs: number;
  /** Counts lookups by kind and outcome (hit, miss). */
  lookups?: Counter<"kind" | "outcome">;
  /** Bytes of whole GraphQL answers to anonymous catalog reads kept (ADR 0052); 0 or unset keeps none. */
  answerBytes?: number;
  /**
   * How long an answer is served as it is, in ms. After that one request computes it again while
   * the others are still sent the kept one, for twice as long at most (ADR 0052).
   */
  answerTtlMs?: number;
  /** The clock, in ms (tests set it). */
  now?: () => number;
}

/** A whole answer kept as sent: its bytes (UTF-8) and their content type. */
export interface KeptAnswer {
  payload: Buffer;
  contentType: string;
}

/** A moment of the cache: documents read from the services after it may be kept only if nothing changed since. */
export type CacheEpoch = number;

/** Whether `caller` sees the catalog as anyone does: no account, or one that manages no storefront. */
export function seesPublicCatalog(caller: Caller | undefined): boolean {
  return caller === undefined || !caller.roles.some((role) => role === "seller" || role === "admin");
}

/**
 * Public product and storefront documents by id. Only what an anonymous caller was answered is
 * kept: an active product (as someone who manages nothing sees it) and an active storefront (as
 * someone with no account sees it: `followedByMe` false). A product is served only while its
 * storefront's document is kept too, so a storefront that the sellers service says is hidden
 * hides its products at once, whatever the products service has yet to hear.
 */
export class CatalogCache {
  readonly #products: LRUCache<string, ProductModel>;
  readonly #storefronts: LRUCache<string, StorefrontJson>;
  readonly #answers: LRUCache<string, KeptAnswer & { keptAt: number }> | undefined;
  /** Keys whose answer one request is computing again, with when it began. */
  readonly #refreshing = new Map<string, number>();
  readonly #answerTtlMs: number;
  readonly #now: () => number;
  readonly #lookups: Counter<"kind" | "outcome"> | undefined;
  /** Bumped by every event and link change: a read that began before may hold what the event replaced. */
  #epoch = 0;
  /** True while the subscriptions are up and no gap is open. */
  #live = false;
  #subscriptions: { stop(): Promise<void> }[] = [];

  constructor(readonly options: CatalogCacheOptions) {
    const max = Math.max(1, options.maxEntries);
    this.#products = new LRUCache({ max, ttl: options.ttlMs });
    this.#storefronts = new LRUCache({ max, ttl: options.ttlMs });
    this.#lookups = options.lookups;
    const answerBytes = options.answerBytes ?? 0;
    if (answerBytes > 0)
      this.#answers = new LRUCache({
        maxSize: answerBytes,
        // One answer may take an eighth of the room at most: a huge page does not flush the rest.
        maxEntrySize: Math.max(1, Math.floor(answerBytes / 8)),
        sizeCalculation: (answer, key) => answer.payload.byteLength + key.length * 2,
        // An answer replaced, evicted or forgotten is no longer being refreshed.
        dispose: (_answer, key) => this.#refreshing.delete(key),
      });
    this.#answerTtlMs = Math.max(1, options.answerTtlMs ?? 1_000);
    this.#now = options.now ?? Date.now;
  }

  /** True when documents are served and kept. */
  get live(): boolean {
    return this.#live;
  }

  /** Subscribes this replica to the catalog events; the cache serves once they are in place. */
  async start(events: LiveEventSource): Promise<void> {
    if (this.options.maxEntries <= 0) return;
    const onLink = (up: boolean) => this.#link(up);
    // Every event of an aggregate: `mercato.<service>.<aggregate>.>`.
    const family = (subject: string) => `${subject.split(".").slice(0, 3).join(".")}.>`;
    const product = family(eventSubjects.products.productUpdated.subject);
    const storefront = family(eventSubjects.sellers.storefrontUpdated.subject);
    const category = family(eventSubjects.products.categoryChanged.subject);
    this.#subscriptions = [
      await events.subscribeEphemeral(product, (event) => this.#onProductEvent(event), { onLink }),
      await events.subscribeEphemeral(storefront, (event) => this.#onStorefrontEvent(event), { onLink }),
      // Categories are read from the products service's tables at once: only kept answers show them.
      await events.subscribeEphemeral(category, () => this.#changed(), { onLink }),
    ];
    this.#live = true;
  }

  async stop(): Promise<void> {
    this.#live = false;
    for (const subscription of this.#subscriptions) await subscription.stop();
    this.#subscriptions = [];
    this.#clear();
  }

  /** The moment to pass to `keep*` with what is read from the services from now on. */
  epoch(): CacheEpoch {
    return this.#epoch;
  }

  /** The kept public product `id`, when its storefront's document is kept too. */
  product(id: string): ProductModel | undefined {
    const found = this.#live ? this.#products.get(id) : undefined;
    const served = found && this.#storefronts.has(found.storefrontId) ? found : undefined;
    this.#lookups?.inc({ kind: "product", outcome: served ? "hit" : "miss" });
    return served;
  }

  /** The kept public storefront `id`. */
  storefront(id: string): StorefrontJson | undefined {
    const found = this.#live ? this.#storefronts.get(id) : undefined;
    this.#lookups?.inc({ kind: "storefront", outcome: found ? "hit" : "miss" });
    return found;
  }

  /**
   * The answer kept under `key` while no catalog event came since. Younger than the lifetime, it is
   * served. Older, the first request to ask gets nothing (it computes the answer again, and keeps
   * it) while the others are still sent the kept one, until it is three lifetimes old: a slow
   * refresh holds up one request, not every request that arrives meanwhile.
   */
  answer(key: string): KeptAnswer | undefined {
    if (!this.#answers) return undefined;
    const found = this.#live ? this.#answers.get(key) : undefined;
    const served = found && this.#servable(key, found.keptAt) ? found : undefined;
    this.#lookups?.inc({ kind: "answer", outcome: served ? "hit" : "miss" });
    return served;
  }

  #servable(key: string, keptAt: number): boolean {
    const now = this.#now();
    const age = now - keptAt;
    if (age < this.#answerTtlMs) return true;
    if (age >= 3 * this.#answerTtlMs) return false;
    const refreshing = this.#refreshing.get(key);
    // A refresh that has not kept its answer within a lifetime (it failed) is tried again.
    if (refreshing !== undefined && now - refreshing < this.#answerTtlMs) return true;
    this.#refreshing.set(key, now);
    return false;
  }

  /** Whether whole answers are kept at all. */
  get keepsAnswers(): boolean {
    return this.#answers !== undefined;
  }

  /** Keeps `answer` under `key`, computed for an anonymous caller from what was read since `epoch`. */
  keepAnswer(epoch: CacheEpoch, key: string, answer: KeptAnswer): void {
    if (!this.#answers || !this.#live || epoch !== this.#epoch) return;
    this.#answers.set(key, { ...answer, keptAt: this.#now() });
    this.#refreshing.delete(key);
  }

  /** Whether storefront `id`'s document is kept (a check, not a lookup). */
  hasStorefront(id: string): boolean {
    return this.#live && this.#storefronts.has(id);
  }

  /** Keeps the active ones of `products`, read for a caller who sees the public catalog since `epoch`. */
  keepProducts(epoch: CacheEpoch, products: readonly (ProductModel | null)[]): void {
    if (!this.#live || epoch !== this.#epoch) return;
    for (const product of products) if (product?.status === "active") this.#products.set(product.id, product);
  }

  /** Keeps the active ones of `storefronts`, read for an anonymous caller since `epoch`. */
  keepStorefronts(epoch: CacheEpoch, storefronts: readonly (StorefrontJson | null)[]): void {
    if (!this.#live || epoch !== this.#epoch) return;
    for (const storefront of storefronts)
      if (storefront?.status === "active") this.#storefronts.set(storefront.id, storefront);
  }

  /** Any catalog event: what began before may hold what it replaced, and every kept answer may show it. */
  #changed(): void {
    this.#epoch++;
    this.#answers?.clear();
  }

  #onProductEvent(event: LiveEvent): void {
    this.#changed();
    try {
      const id = fromBinary(ProductChangedSchema, event.payload).product?.id;
      if (id) this.#products.delete(id);
      else this.#products.clear();
    } catch {
      this.#products.clear();
    }
  }

  #onStorefrontEvent(event: LiveEvent): void {
    this.#changed();
    let id: string | undefined;
    try {
      id =
        event.subject.endsWith(".followed") || event.subject.endsWith(".unfollowed")
          ? fromBinary(StorefrontFollowedSchema, event.payload).storefrontId
          : fromBinary(StorefrontChangedSchema, event.payload).storefront?.id;
    } catch {
      id = undefined;
    }
    // Its products stay kept: they are served again once the storefront's new document is.
    if (id) this.#storefronts.delete(id);
    else this.#storefronts.clear();
  }

  /** Nothing kept survives a drop of the bus: an event may have been missed while it was away. */
  #link(up: boolean): void {
    this.#epoch++;
    this.#clear();
    this.#live = up && this.#subscriptions.length > 0;
  }

  #clear(): void {
    this.#answers?.clear();
    this.#products.clear();
    this.#storefronts.clear();
  }
}

const attached = new WeakMap<ServiceDirectory, CatalogCache>();

/** Makes `cache` the one the catalog loaders of `services` use. */
export function attachCatalogCache(services: ServiceDirectory, cache: CatalogCache): void {
  attached.set(services, cache);
}

/** The cache the catalog loaders of `services` use, when the gateway keeps one. */
export function catalogCacheOf(services: ServiceDirectory): CatalogCache | undefined {
  return attached.get(services);
}
