import type { DescService } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { ProductStatus, ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService, StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  CircuitBreaker,
  createRpcClient,
  DomainError,
  ServiceUnavailable,
  withCalledServiceErrors,
} from "@mercato/platform";
import type { CatalogStorefront, CatalogVariant, WantedLine } from "./domain/checkout-plan.js";

/** What orders asks products and sellers: prices and what an order shows, by id. */
export interface Catalog {
  /** The variants buyers may buy or see among `ids`, by id; unknown or hidden ones are left out. */
  variants(ids: readonly string[]): Promise<Map<string, CatalogVariant>>;
  /** The storefronts among `ids` buyers may see, by id. */
  storefronts(ids: readonly string[]): Promise<Map<string, CatalogStorefront>>;
}

/** What orders asks inventory: hold, sell or give back a checkout's units. */
export interface StockKeeper {
  /** Holds every line for `ttlSeconds` under the checkout's id, or throws OutOfStock naming the short lines. */
  reserve(checkoutId: string, lines: readonly WantedLine[], ttlSeconds: number): Promise<void>;
  /** Turns the held units into sales made by `buyerId`. */
  commit(checkoutId: string, buyerId: string): Promise<void>;
  /** Gives held units back. */
  release(checkoutId: string): Promise<void>;
}

/** Where the services orders calls listen, and how long each call may take. */
export interface UpstreamUrls {
  products: string;
  sellers: string;
  inventory: string;
  timeoutMs: number;
  /** A token of the orders service itself: inventory takes reservations from it only. */
  serviceToken: () => Promise<string>;
}

/**
 * A client whose errors arrive as domain errors, an unreachable service as ServiceUnavailable naming
 * it; calls carry the request's deadline, correlation id and the buyer's token.
 */
function upstreamClient<S extends DescService>(
  name: string,
  service: S,
  baseUrl: string,
  timeoutMs: number,
): Client<S> {
  const client = createRpcClient(service, {
    baseUrl,
    timeoutMs,
    target: name,
    caller: "orders",
    breaker: new CircuitBreaker(name),
  });
  return withCalledServiceErrors(name, client);
}

/** The catalog and stock keeper over RPC to the products, sellers and inventory services. */
export function rpcUpstreams(urls: UpstreamUrls): { catalog: Catalog; stock: StockKeeper } {
  const products = upstreamClient("products", ProductsService, urls.products, urls.timeoutMs);
  const sellers = upstreamClient("sellers", SellersService, urls.sellers, urls.timeoutMs);
  const inventory = upstreamClient("inventory", InventoryService, urls.inventory, urls.timeoutMs);
  const catalog: Catalog = {
    async variants(ids) {
      if (ids.length === 0) return new Map();
      const { variants } = await products.batchGetVariants({ ids: [...ids] });
      return new Map(
        variants.flatMap((found): [string, CatalogVariant][] => {
          const variant = found.variant;
          if (!variant?.price) return [];
          return [
            [
              variant.id,
              {
                id: variant.id,
                productId: variant.productId,
                storefrontId: found.storefrontId,
                title: found.productTitle,
                sku: variant.sku,
                options: { ...variant.options },
                mediaId: found.mediaId,
                price: { amountMinor: Number(variant.price.amountMinor), currency: variant.price.currency },
                active: found.productStatus === ProductStatus.ACTIVE,
              },
            ],
          ];
        }),
      );
    },
    async storefronts(ids) {
      if (ids.length === 0) return new Map();
      const { storefronts } = await sellers.batchGetStorefronts({ ids: [...ids] });
      return new Map(
        storefronts.map((s): [string, CatalogStorefront] => [
          s.id,
          {
            id: s.id,
            ownerId: s.ownerId.toLowerCase(),
            name: s.name,
            slug: s.slug,
            address: {
              line1: s.address?.line1 ?? "",
              line2: s.address?.line2 ?? "",
              city: s.address?.city ?? "",
              region: s.address?.region ?? "",
              postalCode: s.address?.postalCode ?? "",
              countryCode: s.address?.countryCode ?? "",
            },
            email: s.contact?.email ?? "",
            phone: s.contact?.phone ?? "",
            active: s.status === StorefrontStatus.ACTIVE,
          },
        ]),
      );
    },
  };
  const asOrders = async () => ({ headers: { authorization: `Bearer ${await urls.serviceToken()}` } });
  // Inventory refusing the orders service's own token is a deployment fault (a secret that differs
  // between processes), not the buyer's: it must not be kept as the checkout's refusal.
  const asService = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (
        error instanceof DomainError &&
        (error.code === "UNAUTHENTICATED" || error.code === "PERMISSION_DENIED")
      )
        throw new ServiceUnavailable(
          `inventory refused the orders service's token (${error.message}); every process needs the same SERVICE_TOKEN_SECRET`,
          "inventory",
        );
      throw error;
    }
  };
  const stock: StockKeeper = {
    async reserve(checkoutId, lines, ttlSeconds) {
      const request = {
        reservationId: checkoutId,
        lines: lines.map((line) => ({ variantId: line.variantId, quantity: BigInt(line.quantity) })),
        ttlSeconds,
      };
      await asService(async () => inventory.reserve(request, await asOrders()));
    },
    async commit(checkoutId, buyerId) {
      const request = { reservationId: checkoutId, actorId: buyerId };
      await asService(async () => inventory.commitReservation(request, await asOrders()));
    },
    async release(checkoutId) {
      await asService(async () =>
        inventory.releaseReservation({ reservationId: checkoutId }, await asOrders()),
      );
    },
  };
  return { catalog, stock };
}
