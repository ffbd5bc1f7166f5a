import { type Static, type TSchema, Type } from "typebox";
import {
  closedObject,
  DateTime,
  int64,
  nullable,
  PageQuery,
  page,
  ref,
  stringEnum,
  Uuid,
} from "../../rest-schema.js";
import { type moneyJson, moneyRef, nullableMoneyRef } from "../catalog-common.js";
import { mediaField } from "../media/schemas.js";
import { PostalAddress, PostalAddressBody } from "../postal-address.js";

/** Where an order stands, as REST names it (GraphQL upper-cases it). */
export const orderStatuses = [
  "placed",
  "accepted",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
] as const;

/** One status of an order. */
export type OrderStatusName = (typeof orderStatuses)[number];

/** Money as clients see it (the shared `Money` schema, which the domain adds to its scope). */
export type MoneyJson = NonNullable<ReturnType<typeof moneyJson>>;
const Money = Type.Unsafe<MoneyJson>(moneyRef);
const NullableMoney = Type.Unsafe<MoneyJson | null>(nullableMoneyRef);

const status = stringEnum(orderStatuses);
const optionalText = Type.Optional(nullable(Type.String()));
const options = Type.Unsafe<Record<string, string>>({
  type: "object",
  additionalProperties: { type: "string" },
  description: "option name → value",
});

/**
 * `schema` with `keys` first, in that order, where the hand-written schemas had them (TypeBox
 * writes options last), so the OpenAPI document reads as before.
 */
function keysFirst<T extends TSchema>(schema: T, keys: readonly string[]): T {
  const record = schema as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of [...keys, ...Object.keys(record)]) if (!(key in ordered)) ordered[key] = record[key];
  for (const key of Reflect.ownKeys(record))
    if (!Object.prototype.propertyIsEnumerable.call(record, key))
      Object.defineProperty(ordered, key, { value: Reflect.get(record, key) });
  return ordered as T;
}

/** A person and a postal address, as an order keeps them. */
const Contact = Type.Object({ name: Type.String(), phone: nullable(Type.String()), address: PostalAddress });

const OrderLine = Type.Object({
  variantId: Uuid,
  productId: Uuid,
  title: Type.String(),
  sku: Type.String(),
  options,
  mediaId: optionalText,
  image: mediaField("the image as bought (mediaId of the snapshot)"),
  unitPrice: Money,
  quantity: int64(),
  lineTotal: Money,
});

/** What the GraphQL `OrderLine` resolves from: options as a map (GraphQL lists them as pairs). */
export type OrderLineModel = Static<typeof OrderLine>;

const OrderTransition = Type.Object({
  status,
  actorId: Type.String(),
  reason: optionalText,
  at: DateTime,
});

/** What the GraphQL `OrderTransition` resolves from (status lower-case). */
export type OrderTransitionModel = Static<typeof OrderTransition>;

/** An order as clients see it: its snapshot frozen at checkout, status lower-case (REST `Order`). */
export const Order = Type.Object(
  {
    id: Uuid,
    checkoutId: Uuid,
    buyerId: Uuid,
    storefrontId: Uuid,
    status,
    carrier: optionalText,
    trackingNumber: optionalText,
    snapshot: keysFirst(
      Type.Object(
        {
          lines: Type.Array(OrderLine),
          seller: Type.Object({
            storefrontId: Uuid,
            name: Type.String(),
            slug: Type.String(),
            address: PostalAddress,
            email: optionalText,
            phone: optionalText,
          }),
          shippingAddress: Contact,
          billingAddress: Contact,
          subtotal: Money,
          total: Money,
          note: Type.String(),
        },
        { description: "what was bought, from whom, for whom: frozen at checkout" },
      ),
      ["type", "description"],
    ),
    history: Type.Array(OrderTransition),
    version: int64(),
    createdAt: Type.Optional(DateTime),
    updatedAt: Type.Optional(DateTime),
  },
  { $id: "Order" },
);

/** What the GraphQL `Order` resolves from. */
export type OrderModel = Static<typeof Order>;

const CartLine = Type.Object({
  variantId: Uuid,
  quantity: int64(),
  productId: Type.Optional(
    nullable(Type.String({ description: "null when the product is no longer visible" })),
  ),
  title: optionalText,
  sku: optionalText,
  options: Type.Optional(options),
  mediaId: optionalText,
  image: mediaField("the product's image now"),
  storefront: Type.Optional(
    Type.Union([Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }), Type.Null()]),
  ),
  unitPrice: Type.Optional(NullableMoney),
  priceWhenAdded: Money,
  priceChanged: Type.Boolean({ description: "the price differs from the one when the line was added" }),
  lineTotal: Type.Optional(NullableMoney),
  available: int64({ description: "units that can be bought now" }),
  enoughStock: Type.Boolean(),
  purchasable: Type.Boolean({ description: "the product and its storefront are on sale" }),
  addedAt: Type.Optional(DateTime),
});

/** What the GraphQL `CartLine` resolves from: options as a map (GraphQL lists them as pairs). */
export type CartLineModel = Static<typeof CartLine>;

/** The caller's cart with what each line shows now (REST `Cart`). */
export const Cart = Type.Object(
  {
    buyerId: Uuid,
    lines: Type.Array(CartLine),
    totals: Type.Array(Money, { description: "sum of the purchasable lines per currency" }),
    updatedAt: nullable(DateTime),
  },
  { $id: "Cart" },
);

/** What the GraphQL `Cart` resolves from: REST's cart, and whether it answers an add replayed by its key. */
export type CartModel = Static<typeof Cart> & { replayed?: boolean };

/** A checkout: one order per seller (REST `Checkout`). */
export const Checkout = Type.Object(
  {
    id: Uuid,
    orders: Type.Array(ref(Order)),
    totals: Type.Array(Money),
    createdAt: DateTime,
    replayed: Type.Boolean({ description: "this answer replays an earlier request with the same key" }),
  },
  { $id: "Checkout" },
);

/** What the GraphQL `Checkout` resolves from. */
export type CheckoutModel = Static<typeof Checkout>;

/** A REST page of orders. */
export const OrderPage = page("OrderPage", Order);

const quantity = Type.Integer({ minimum: 1, maximum: 1000 });
const idempotencyKey = (description: string) => Type.String({ pattern: "^[!-~]{1,255}$", description });

/** REST body of a cart add. */
export const AddLineBody = closedObject({ variantId: Uuid, quantity });

/** REST headers of a cart add: its optional key. */
export const AddLineHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    idempotencyKey(
      "optional, unique per add so that a retry adds nothing: 1 to 255 printable ASCII characters",
    ),
  ),
});

/** REST body of a cart line's new quantity. */
export const QuantityBody = closedObject({ quantity });

const ContactBody = closedObject({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  phone: Type.Optional(
    nullable(Type.String({ maxLength: 16, pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164" })),
  ),
  address: PostalAddressBody,
});

/** What to buy and where it goes (REST body; GraphQL `CheckoutInput`). */
export const CheckoutBody = closedObject({
  shippingAddress: ContactBody,
  billingAddress: Type.Optional(Type.Union([ContactBody, Type.Null()])),
  lines: Type.Optional(
    keysFirst(
      nullable(
        Type.Array(closedObject({ variantId: Uuid, quantity }), {
          maxItems: 100,
          description: "absent or empty: the cart, which is then emptied",
        }),
      ),
      ["type", "maxItems", "description"],
    ),
  ),
  note: Type.Optional(nullable(Type.String({ maxLength: 1000 }))),
});

/** A checkout as clients send it, less its key. */
export type CheckoutRequest = Static<typeof CheckoutBody>;

/** REST headers of a checkout: its key, required. */
export const CheckoutHeaders = Type.Object({
  "idempotency-key": idempotencyKey("unique per checkout attempt: 1 to 255 printable ASCII characters"),
});

/** REST query of the caller's orders as a buyer: a page, optionally of one status. */
export const OrdersQuery = closedObject({ ...PageQuery.properties, status: Type.Optional(status) });

/** REST query of a storefront's orders: as the buyer's, and the storefront for admins. */
export const SellerOrdersQuery = closedObject({
  ...OrdersQuery.properties,
  storefrontId: Type.Optional(Type.String({ format: "uuid", description: "admins only" })),
});

/** REST body of a shipment. */
export const ShipBody = closedObject({
  trackingNumber: Type.String({ minLength: 1, maxLength: 100 }),
  carrier: Type.Optional(nullable(Type.String({ maxLength: 100 }))),
});

/** REST body of a cancellation. */
export const CancelBody = closedObject({ reason: Type.Optional(nullable(Type.String({ maxLength: 500 }))) });
