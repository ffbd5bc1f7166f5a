// Generated from contracts/graphql/schema.graphql by `npm run gen`. Do not edit.
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AccountModel, TokensModel, SignInModel, SessionModel, OtpChallengeModel } from '../modules/auth/schemas.js';
import type { StockLevelModel, StockMovementModel } from '../modules/inventory/schemas.js';
import type { MediaRenditionModel, MediaVideoModel, MediaModel } from '../modules/media/schemas.js';
import type { NotificationModel, MarkNotificationsReadResultModel, NotificationPreferenceModel, DeviceModel, NotificationDeadLetterModel, OrderStatusUpdateModel } from '../modules/notifications/schemas.js';
import type { OrderLineModel, OrderTransitionModel, OrderModel, CartLineModel, CartModel, CheckoutModel } from '../modules/orders/schemas.js';
import type { CurrencyBalanceModel, SellerBalanceModel, LedgerEntryModel, PayoutModel } from '../modules/payouts/schemas.js';
import type { CategoryModel, VariantModel, ProductModel, ProductHitModel } from '../modules/products/schemas.js';
import type { StorefrontModel } from '../modules/sellers/schemas.js';
import type { ProfileModel, MeModel, AddressModel } from '../modules/users/schemas.js';
import type { GraphqlContext } from '../module.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Money in minor units as a JSON number. Prices, lines and order totals stay within ±(2^53-1); a balance summed over many orders may not, and is then sent as its exact digits, which a parser reading doubles rounds (formatted is always exact). */
  SafeInt: { input: number; output: number | bigint; }
};

/** An account as the auth service knows it. */
export type Account = {
  __typename?: 'Account';
  createdAt: Scalars['String']['output'];
  /** For sellers and admins */
  email?: Maybe<Scalars['String']['output']>;
  emailVerified: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** E.164, for buyers */
  phone?: Maybe<Scalars['String']['output']>;
  /** buyer, seller or admin */
  roles: Array<Scalars['String']['output']>;
};

/** One entry of the address book. */
export type Address = {
  __typename?: 'Address';
  city: Scalars['String']['output'];
  company?: Maybe<Scalars['String']['output']>;
  /** ISO 3166-1 alpha-2 */
  countryCode: Scalars['String']['output'];
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  defaultBilling: Scalars['Boolean']['output'];
  defaultShipping: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** e.g. Home or Office */
  label?: Maybe<Scalars['String']['output']>;
  line1: Scalars['String']['output'];
  line2?: Maybe<Scalars['String']['output']>;
  /** E.164, for the carrier */
  phone?: Maybe<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  recipientName: Scalars['String']['output'];
  /** State, province or prefecture; a code in US, CA and AU */
  region?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
};

/** A page of addresses. */
export type AddressConnection = {
  __typename?: 'AddressConnection';
  edges: Array<AddressEdge>;
  pageInfo: AddressPageInfo;
};

/** One address of a page. */
export type AddressEdge = {
  __typename?: 'AddressEdge';
  /** The cursor after this address; the users service issues one per page, so only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  node: Address;
};

/** An address; which parts are required depends on the country (US, CA, AU, JP, BR, IN, MX, CN and IT need a region; postal codes are checked where the country has a format). */
export type AddressInput = {
  city: Scalars['String']['input'];
  company?: InputMaybe<Scalars['String']['input']>;
  countryCode: Scalars['String']['input'];
  /** True makes it the default billing address, false unsets it; null keeps it. The first address is always the default. */
  defaultBilling?: InputMaybe<Scalars['Boolean']['input']>;
  /** True makes it the default shipping address, false unsets it; null keeps it. The first address is always the default. */
  defaultShipping?: InputMaybe<Scalars['Boolean']['input']>;
  label?: InputMaybe<Scalars['String']['input']>;
  line1: Scalars['String']['input'];
  line2?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  recipientName: Scalars['String']['input'];
  region?: InputMaybe<Scalars['String']['input']>;
};

/** Where a page of addresses ends. */
export type AddressPageInfo = {
  __typename?: 'AddressPageInfo';
  /** Pass as after to get the next page; null on the last page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** The caller's cart, looked up now. */
export type Cart = {
  __typename?: 'Cart';
  buyerId: Scalars['ID']['output'];
  lines: Array<CartLine>;
  /** True when this answers an addToCart whose idempotencyKey was used before: nothing was added */
  replayed: Scalars['Boolean']['output'];
  /** Sum of the purchasable lines per currency */
  totals: Array<Money>;
  /** ISO 8601; null for a cart never used */
  updatedAt?: Maybe<Scalars['String']['output']>;
};

/** A cart line with what it shows now. */
export type CartLine = {
  __typename?: 'CartLine';
  /** ISO 8601 */
  addedAt: Scalars['String']['output'];
  /** Units that can be bought now */
  available: Scalars['Int']['output'];
  /** Enough units are available for the line's quantity */
  enoughStock: Scalars['Boolean']['output'];
  /** The product's image now; null when it is not ready or the media service cannot be asked */
  image?: Maybe<Media>;
  lineTotal?: Maybe<Money>;
  mediaId?: Maybe<Scalars['ID']['output']>;
  options: Array<ProductOption>;
  /** The price differs from the one when the line was added */
  priceChanged: Scalars['Boolean']['output'];
  /** Price when the line was added */
  priceWhenAdded: Money;
  /** Null when the product is no longer visible */
  productId?: Maybe<Scalars['ID']['output']>;
  /** The product and its storefront are on sale */
  purchasable: Scalars['Boolean']['output'];
  quantity: Scalars['Int']['output'];
  sku?: Maybe<Scalars['String']['output']>;
  storefront?: Maybe<CartStorefront>;
  title?: Maybe<Scalars['String']['output']>;
  /** Price now; null when the variant is gone */
  unitPrice?: Maybe<Money>;
  variantId: Scalars['ID']['output'];
};

/** The seller a cart line or order comes from. */
export type CartStorefront = {
  __typename?: 'CartStorefront';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  slug: Scalars['String']['output'];
};

/** A node of the category tree. */
export type Category = {
  __typename?: 'Category';
  /** Ids from the root down to its parent */
  ancestorIds: Array<Scalars['ID']['output']>;
  /** Its ancestors, root first */
  breadcrumbs: Array<Category>;
  /** Its direct children (archived ones only when it is archived or archived ones were asked for) */
  children: Array<Category>;
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  /** 0 for a root */
  depth: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  parent?: Maybe<Category>;
  /** Null for a root category */
  parentId?: Maybe<Scalars['ID']['output']>;
  /** Order among its siblings, smaller first */
  position: Scalars['Int']['output'];
  slug: Scalars['String']['output'];
  status: CategoryStatus;
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
};

/** Whether a category is offered. */
export type CategoryStatus =
  | 'ACTIVE'
  /** No new products; existing ones stay findable under it */
  | 'ARCHIVED';

/** A checkout: one order per seller. */
export type Checkout = {
  __typename?: 'Checkout';
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  orders: Array<Order>;
  /** True when this answer replays an earlier request with the same key */
  replayed: Scalars['Boolean']['output'];
  totals: Array<Money>;
};

/** What to buy and where it goes. */
export type CheckoutInput = {
  /** Absent: the shipping address */
  billingAddress?: InputMaybe<ContactAddressInput>;
  /** Absent or empty: the cart, which is then emptied */
  lines?: InputMaybe<Array<CheckoutLineInput>>;
  note?: InputMaybe<Scalars['String']['input']>;
  shippingAddress: ContactAddressInput;
};

/** A line to buy. */
export type CheckoutLineInput = {
  /** 1 to 1,000 */
  quantity: Scalars['Int']['input'];
  variantId: Scalars['ID']['input'];
};

/** A person and a postal address. */
export type ContactAddress = {
  __typename?: 'ContactAddress';
  address: PostalAddress;
  name: Scalars['String']['output'];
  phone?: Maybe<Scalars['String']['output']>;
};

/** A person and a postal address. */
export type ContactAddressInput = {
  address: PostalAddressInput;
  /** 1 to 200 characters */
  name: Scalars['String']['input'];
  /** E.164 */
  phone?: InputMaybe<Scalars['String']['input']>;
};

/** A new category. */
export type CreateCategoryInput = {
  /** 1 to 100 characters */
  name: Scalars['String']['input'];
  /** Null for a root category */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  position?: InputMaybe<Scalars['Int']['input']>;
  /** a-z, 0-9 and single dashes; derived from the name when omitted */
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** A new product (DRAFT unless told otherwise; an ACTIVE one needs a variant). */
export type CreateProductInput = {
  attributes?: InputMaybe<Array<NameValueInput>>;
  /** An active category */
  categoryId: Scalars['ID']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  mediaIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** At most 5 distinct names */
  optionNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** DRAFT or ACTIVE */
  status?: InputMaybe<ProductStatus>;
  title: Scalars['String']['input'];
  variants?: InputMaybe<Array<VariantInput>>;
};

/** A new storefront. */
export type CreateStorefrontInput = {
  address: PostalAddressInput;
  bannerMediaId?: InputMaybe<Scalars['ID']['input']>;
  contact?: InputMaybe<StorefrontContactInput>;
  description?: InputMaybe<Scalars['String']['input']>;
  location: GeoPointInput;
  logoMediaId?: InputMaybe<Scalars['ID']['input']>;
  /** 2 to 100 characters */
  name: Scalars['String']['input'];
  /** 3 to 60 of a-z, 0-9 and single dashes */
  slug: Scalars['String']['input'];
};

/** A file the client is about to upload. */
export type CreateUploadInput = {
  /** Exact size in bytes, within the purpose's cap (at most 10 GiB); the upload must be exactly this long */
  byteSize: Scalars['SafeInt']['input'];
  /** What the client says it is (image/jpeg, video/mp4, ...); checked again from the bytes */
  contentType: Scalars['String']['input'];
  purpose: MediaPurpose;
};

/** What a storefront holds in one currency. */
export type CurrencyBalance = {
  __typename?: 'CurrencyBalance';
  /** What a payout request would take now: the sum of the ledger */
  available: Money;
  /** ISO 4217 */
  currency: Scalars['String']['output'];
  /** Requested payouts not yet marked paid or failed */
  inPayout: Money;
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
};

/** A registered push device as its owner sees it: never the token. */
export type Device = {
  __typename?: 'Device';
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** A name its owner gave it */
  label?: Maybe<Scalars['String']['output']>;
  /** ISO 8601: when it was last registered again */
  lastSeenAt: Scalars['String']['output'];
  platform: DevicePlatform;
};

/** The kind of device a push token belongs to. */
export type DevicePlatform =
  /** An Android app (through FCM) */
  | 'ANDROID'
  /** An iOS app (through FCM) */
  | 'IOS'
  /** A browser (Web Push; the token is the subscription as JSON) */
  | 'WEB';

/** Health of the gateway and every service behind it. */
export type GatewayHealth = {
  __typename?: 'GatewayHealth';
  services: Array<ServiceHealth>;
  /** ok when every service is up with all its dependencies, degraded otherwise. */
  status: Scalars['String']['output'];
};

/** A position in WGS 84 degrees. */
export type GeoPoint = {
  __typename?: 'GeoPoint';
  lat: Scalars['Float']['output'];
  lng: Scalars['Float']['output'];
};

/** A position in WGS 84 degrees. */
export type GeoPointInput = {
  /** -90 to 90 */
  lat: Scalars['Float']['input'];
  /** -180 to 180 */
  lng: Scalars['Float']['input'];
};

/** The encoding of a rendition. */
export type ImageFormat =
  | 'AVIF'
  | 'WEBP';

/** The six sizes every image (and every video poster) is made in. */
export type ImageSize =
  /** 1200 wide at most, whole image */
  | 'MAIN_DESKTOP'
  /** 2000 wide at most, whole image */
  | 'MAIN_LARGE_RETINA'
  /** 480 wide at most, whole image */
  | 'MAIN_MOBILE'
  /** 800 wide at most, whole image */
  | 'MAIN_TABLET'
  /** 250×250, cropped to cover */
  | 'THUMBNAIL_LARGE'
  /** 100×100, cropped to cover */
  | 'THUMBNAIL_SMALL';

/** One change of a storefront's balance. */
export type LedgerEntry = {
  __typename?: 'LedgerEntry';
  /** Signed: what the entry adds to the balance */
  amount: Money;
  balanceAfter: Money;
  /** The platform commission, for an order credit */
  commission?: Maybe<Money>;
  /** Basis points (1000 = 10%), for an order credit */
  commissionBps?: Maybe<Scalars['Int']['output']>;
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  /** The order total, for an order credit */
  gross?: Maybe<Money>;
  id: Scalars['ID']['output'];
  kind: LedgerEntryKind;
  /** For an order credit */
  orderId?: Maybe<Scalars['ID']['output']>;
  /** For a payout debit or reversal */
  payoutId?: Maybe<Scalars['ID']['output']>;
  storefrontId: Scalars['ID']['output'];
};

/** A page of ledger entries, newest first. */
export type LedgerEntryConnection = {
  __typename?: 'LedgerEntryConnection';
  edges: Array<LedgerEntryEdge>;
  pageInfo: PageInfo;
};

/** One ledger entry of a page. */
export type LedgerEntryEdge = {
  __typename?: 'LedgerEntryEdge';
  /** The cursor after this entry; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  node: LedgerEntry;
};

/** Why a seller's balance changed. */
export type LedgerEntryKind =
  /** A completed order: its total less the platform commission */
  | 'ORDER_CREDIT'
  /** A requested payout took the balance */
  | 'PAYOUT_DEBIT'
  /** A failed payout gave its amount back */
  | 'PAYOUT_REVERSAL';

/** How many notifications were marked read and how many are left unread. */
export type MarkNotificationsReadResult = {
  __typename?: 'MarkNotificationsReadResult';
  /** Unread before, read now */
  marked: Scalars['Int']['output'];
  /** Unread ones left */
  unread: Scalars['Int']['output'];
};

/** The signed-in user: identity from the verified access token, profile and address book from the users service. */
export type Me = {
  __typename?: 'Me';
  /** The address book: defaults first, then newest. first: 1 to 100, default 20. */
  addresses: AddressConnection;
  emailVerified: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** Null until the profile is created, which happens shortly after registration. */
  profile?: Maybe<Profile>;
  /** buyer, seller or admin */
  roles: Array<Scalars['String']['output']>;
};


/** The signed-in user: identity from the verified access token, profile and address book from the users service. */
export type MeAddressesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** An uploaded image or video. Where it hydrates a product, storefront, profile, cart or order, it is the public view of a ready media (no failure reason or progress). */
export type Media = {
  __typename?: 'Media';
  /** Bytes uploaded */
  byteSize: Scalars['SafeInt']['output'];
  /** The type found in the bytes (the client's word is never taken); null before */
  contentType?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  createdAt?: Maybe<Scalars['String']['output']>;
  /** Dominant colour, #rrggbb; null before */
  dominantColor?: Maybe<Scalars['String']['output']>;
  /** Why it failed; null otherwise */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** Pixels of the upright original; null before processing */
  height?: Maybe<Scalars['Int']['output']>;
  id: Scalars['ID']['output'];
  /** Null until the upload is checked */
  kind?: Maybe<MediaKind>;
  /** BlurHash of the image (a video's poster), to paint while it loads; null before */
  placeholder?: Maybe<Scalars['String']['output']>;
  /** Processing progress, 0 to 100 */
  progress: Scalars['Int']['output'];
  purpose: MediaPurpose;
  /** The image (a video's poster) in every size and format, once ready */
  renditions: Array<MediaRendition>;
  status: MediaStatus;
  /** ISO 8601 */
  updatedAt?: Maybe<Scalars['String']['output']>;
  /** URL of one rendition; null when there is none (before processing) */
  url?: Maybe<Scalars['String']['output']>;
  /** Set for a ready video */
  video?: Maybe<MediaVideo>;
  /** Pixels of the upright original (a video's frame); null before processing */
  width?: Maybe<Scalars['Int']['output']>;
};


/** An uploaded image or video. Where it hydrates a product, storefront, profile, cart or order, it is the public view of a ready media (no failure reason or progress). */
export type MediaUrlArgs = {
  format?: ImageFormat;
  size?: ImageSize;
};

/** A page of media, newest first. */
export type MediaConnection = {
  __typename?: 'MediaConnection';
  edges: Array<MediaEdge>;
  pageInfo: PageInfo;
};

/** One media of a page. */
export type MediaEdge = {
  __typename?: 'MediaEdge';
  /** The cursor after this media; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  node: Media;
};

/** What the uploaded bytes turned out to be. */
export type MediaKind =
  | 'IMAGE'
  | 'VIDEO';

/** Where a media will be shown; it decides what may be uploaded and where it may be attached. */
export type MediaPurpose =
  /** A profile's avatar (image) */
  | 'AVATAR'
  /** A product's image or video */
  | 'PRODUCT'
  /** A storefront's banner (image) */
  | 'STOREFRONT_BANNER'
  /** A storefront's logo (image) */
  | 'STOREFRONT_LOGO';

/** One size of an image in one format. */
export type MediaRendition = {
  __typename?: 'MediaRendition';
  format: ImageFormat;
  /** Pixels */
  height: Scalars['Int']['output'];
  size: ImageSize;
  /** Signed (or CDN) URL to GET it; it expires */
  url: Scalars['String']['output'];
  /** Pixels */
  width: Scalars['Int']['output'];
};

/** Where a media is in its life. */
export type MediaStatus =
  /** Deleted by its owner or an admin */
  | 'DELETED'
  /** Refused or failed; failureReason says why */
  | 'FAILED'
  /** Waiting for the client to upload the bytes and complete the upload */
  | 'PENDING_UPLOAD'
  /** Uploaded and checked; renditions being made */
  | 'PROCESSING'
  /** Renditions made; it can be attached and shown */
  | 'READY';

/** A new media and where to PUT its bytes. */
export type MediaUpload = {
  __typename?: 'MediaUpload';
  /** ISO 8601: when the URL stops working */
  expiresAt?: Maybe<Scalars['String']['output']>;
  /** The media, PENDING_UPLOAD */
  media: Media;
  /** Headers the PUT must carry exactly (Content-Type, ...) */
  uploadHeaders: Array<MediaUploadHeader>;
  /** Presigned URL to PUT the bytes to */
  uploadUrl: Scalars['String']['output'];
};

/** One header an upload's PUT must carry. */
export type MediaUploadHeader = {
  __typename?: 'MediaUploadHeader';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A processed video. */
export type MediaVideo = {
  __typename?: 'MediaVideo';
  durationSeconds: Scalars['Float']['output'];
  /** Signed (or CDN) URL of the HLS master playlist */
  hlsUrl: Scalars['String']['output'];
  /** Heights of the HLS renditions, smallest first (e.g. 360, 720) */
  renditionHeights: Array<Scalars['Int']['output']>;
};

/** An amount of money in the minor unit of its currency (cents for EUR, yen for JPY). */
export type Money = {
  __typename?: 'Money';
  amountMinor: Scalars['SafeInt']['output'];
  /** ISO 4217, e.g. EUR */
  currency: Scalars['String']['output'];
  /** For display, e.g. €12.50 */
  formatted: Scalars['String']['output'];
};

/** A price in minor units. */
export type MoneyInput = {
  /** 0 to 10,000,000,000 (100,000,000.00 in a currency of cents) */
  amountMinor: Scalars['SafeInt']['input'];
  /** ISO 4217, e.g. EUR */
  currency: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** The seller takes a placed order */
  acceptOrder: Order;
  /** Add units of a variant to the cart (a line for the same variant grows). The same idempotencyKey within a day adds nothing again and answers the cart as it is now (replayed); with another variant or quantity it is a CONFLICT */
  addToCart: Cart;
  /** Add a variant to a product (its seller or an admin) */
  addVariant: VariantPayload;
  /** Add (or, as an adjustment, remove) units on hand (the storefront's owner or an admin) */
  adjustStock: StockLevel;
  /** The buyer before shipping, the seller before accepting */
  cancelOrder: Order;
  /** Change the caller's password; returns how many other sessions were revoked */
  changePassword: Scalars['Int']['output'];
  /** Buy the cart (or the lines given): one order per seller. The same idempotencyKey replays the first answer; with other input it is a CONFLICT */
  checkout: Checkout;
  /** Empty the cart */
  clearCart: Cart;
  /** The buyer (or an admin) confirms a delivered order */
  completeOrder: Order;
  /** Check the uploaded bytes and queue their processing; completing again answers the media unchanged */
  completeUpload: Media;
  /** Add an address to the caller's book (at most 50) */
  createAddress: Address;
  /** Add a category (admin) */
  createCategory: Category;
  /** List a product in the caller's storefront */
  createProduct: Product;
  /** Open the caller's storefront (a seller with a verified e-mail address; one per account) */
  createStorefront: Storefront;
  /** Record a media waiting for its bytes: PUT them to uploadUrl with uploadHeaders before expiresAt (15 minutes), then completeUpload */
  createUpload: MediaUpload;
  /** Delete one of the caller's addresses; a deleted default passes to the newest remaining address */
  deleteAddress: Scalars['Boolean']['output'];
  /** Delete one of the caller's media (any, for an admin); one a product, storefront or profile still shows is refused */
  deleteMedia: Scalars['Boolean']['output'];
  /** Remove a variant (its seller or an admin); an active product keeps at least one. Returns the product */
  deleteVariant: Product;
  /** Follow an active storefront (not one's own); following twice is one follow */
  followStorefront: Storefront;
  /** Sign in with e-mail and password */
  login: SignIn;
  /** Revoke the current session */
  logout: Scalars['Boolean']['output'];
  /** Mark the named notifications of the caller read, or all of them (then no ids) */
  markNotificationsRead: MarkNotificationsReadResult;
  /** The seller (or an admin) records the delivery */
  markOrderDelivered: Order;
  /** Mark a requested payout failed and give its amount back to the balance (admin) */
  markPayoutFailed: Payout;
  /** Mark a requested payout paid (admin) */
  markPayoutPaid: Payout;
  /** Exchange a refresh token for new tokens; a reused one revokes its session */
  refreshToken: Tokens;
  /** Record a push token of the caller's device; registering it again refreshes it (at most 10 per user) */
  registerDeviceToken: Device;
  /** Register a seller; a verification link is e-mailed */
  registerSeller: SignIn;
  /** Take a variant out of the cart */
  removeCartLine: Cart;
  /** Send a 6-digit sign-in code by SMS to an E.164 phone number */
  requestOtp: OtpChallenge;
  /** E-mail a password reset link */
  requestPasswordReset: Scalars['Boolean']['output'];
  /** Pay out the caller's whole available balance in one currency */
  requestPayout: Payout;
  /** Send a dead-lettered delivery again with fresh attempts (admins) */
  requeueNotificationDeadLetter: Scalars['Boolean']['output'];
  /** E-mail a new verification link to the caller */
  resendVerificationEmail: Scalars['Boolean']['output'];
  /** Set a new password with the token from the reset e-mail */
  resetPassword: Scalars['Boolean']['output'];
  /** Revoke every other session of the caller; returns how many */
  revokeOtherSessions: Scalars['Int']['output'];
  /** Revoke one of the caller's sessions */
  revokeSession: Scalars['Boolean']['output'];
  /** Make a new signing key (admin); emergency: it signs at once and older keys are withdrawn. Returns its key id */
  rotateSigningKey: Scalars['String']['output'];
  /** Set the level below which a low-stock event is published; null clears it */
  setLowStockThreshold: StockLevel;
  /** Activate or suspend a storefront (admin); a reason is required to suspend */
  setStorefrontStatus: Storefront;
  /** The seller hands an accepted order to a carrier */
  shipOrder: Order;
  /** Stop following a storefront */
  unfollowStorefront: Storefront;
  /** Forget one of the caller's devices, by id or by token; false when the caller has no such device */
  unregisterDeviceToken: Scalars['Boolean']['output'];
  /** Turn one category's e-mail off with the token of an e-mail's unsubscribe link (no sign-in); answers the category */
  unsubscribeNotifications: NotificationCategory;
  /** Replace one of the caller's addresses */
  updateAddress: Address;
  /** Set the units of a cart line */
  updateCartLine: Cart;
  /** Rename, move or archive a category (admin) */
  updateCategory: Category;
  /** Change the given settings; transactional and security e-mail cannot be turned off. Answers every setting */
  updateNotificationPreferences: Array<NotificationPreference>;
  /** Change a product (its seller or an admin) */
  updateProduct: Product;
  /** Change the caller's profile */
  updateProfile: Profile;
  /** Change a storefront (its owner or an admin) */
  updateStorefront: Storefront;
  /** Change a variant (its seller or an admin) */
  updateVariant: VariantPayload;
  /** Verify an e-mail address with the token from the link */
  verifyEmail: Account;
  /** Sign in with the code; a new phone number creates the buyer account */
  verifyOtp: SignIn;
};


export type MutationAcceptOrderArgs = {
  id: Scalars['ID']['input'];
};


export type MutationAddToCartArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  quantity: Scalars['Int']['input'];
  variantId: Scalars['ID']['input'];
};


export type MutationAddVariantArgs = {
  input: VariantInput;
  productId: Scalars['ID']['input'];
};


export type MutationAdjustStockArgs = {
  note?: InputMaybe<Scalars['String']['input']>;
  quantity: Scalars['Int']['input'];
  reason: StockAdjustmentReason;
  variantId: Scalars['ID']['input'];
};


export type MutationCancelOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCheckoutArgs = {
  idempotencyKey: Scalars['String']['input'];
  input: CheckoutInput;
};


export type MutationCompleteOrderArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCompleteUploadArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateAddressArgs = {
  input: AddressInput;
};


export type MutationCreateCategoryArgs = {
  input: CreateCategoryInput;
};


export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


export type MutationCreateStorefrontArgs = {
  input: CreateStorefrontInput;
};


export type MutationCreateUploadArgs = {
  input: CreateUploadInput;
};


export type MutationDeleteAddressArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteMediaArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteVariantArgs = {
  id: Scalars['ID']['input'];
};


export type MutationFollowStorefrontArgs = {
  id: Scalars['ID']['input'];
};


export type MutationLoginArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationMarkNotificationsReadArgs = {
  all?: InputMaybe<Scalars['Boolean']['input']>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type MutationMarkOrderDeliveredArgs = {
  id: Scalars['ID']['input'];
};


export type MutationMarkPayoutFailedArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationMarkPayoutPaidArgs = {
  id: Scalars['ID']['input'];
  reference?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRefreshTokenArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRegisterDeviceTokenArgs = {
  label?: InputMaybe<Scalars['String']['input']>;
  platform: DevicePlatform;
  token: Scalars['String']['input'];
};


export type MutationRegisterSellerArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationRemoveCartLineArgs = {
  variantId: Scalars['ID']['input'];
};


export type MutationRequestOtpArgs = {
  phone: Scalars['String']['input'];
};


export type MutationRequestPasswordResetArgs = {
  email: Scalars['String']['input'];
};


export type MutationRequestPayoutArgs = {
  currency: Scalars['String']['input'];
};


export type MutationRequeueNotificationDeadLetterArgs = {
  id: Scalars['ID']['input'];
};


export type MutationResetPasswordArgs = {
  newPassword: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRotateSigningKeyArgs = {
  emergency?: InputMaybe<Scalars['Boolean']['input']>;
};


export type MutationSetLowStockThresholdArgs = {
  threshold?: InputMaybe<Scalars['Int']['input']>;
  variantId: Scalars['ID']['input'];
};


export type MutationSetStorefrontStatusArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  status: StorefrontStatus;
};


export type MutationShipOrderArgs = {
  carrier?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  trackingNumber: Scalars['String']['input'];
};


export type MutationUnfollowStorefrontArgs = {
  id: Scalars['ID']['input'];
};


export type MutationUnregisterDeviceTokenArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  token?: InputMaybe<Scalars['String']['input']>;
};


export type MutationUnsubscribeNotificationsArgs = {
  token: Scalars['String']['input'];
};


export type MutationUpdateAddressArgs = {
  id: Scalars['ID']['input'];
  input: AddressInput;
};


export type MutationUpdateCartLineArgs = {
  quantity: Scalars['Int']['input'];
  variantId: Scalars['ID']['input'];
};


export type MutationUpdateCategoryArgs = {
  id: Scalars['ID']['input'];
  input: UpdateCategoryInput;
};


export type MutationUpdateNotificationPreferencesArgs = {
  preferences: Array<PreferenceInput>;
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductInput;
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};


export type MutationUpdateStorefrontArgs = {
  id: Scalars['ID']['input'];
  input: UpdateStorefrontInput;
};


export type MutationUpdateVariantArgs = {
  id: Scalars['ID']['input'];
  input: UpdateVariantInput;
};


export type MutationVerifyEmailArgs = {
  token: Scalars['String']['input'];
};


export type MutationVerifyOtpArgs = {
  code: Scalars['String']['input'];
  phone: Scalars['String']['input'];
};

/** A name and a value. */
export type NameValueInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** A circle around a point: give radiusKm or radiusMeters (default 50 km, at most 20,000 km). */
export type NearInput = {
  lat: Scalars['Float']['input'];
  lng: Scalars['Float']['input'];
  radiusKm?: InputMaybe<Scalars['Float']['input']>;
  radiusMeters?: InputMaybe<Scalars['Float']['input']>;
};

/** One entry of the caller's in-app inbox. */
export type Notification = {
  __typename?: 'Notification';
  /** In the recipient's locale */
  body: Scalars['String']['output'];
  category: NotificationCategory;
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  /** What it is about, sorted by name */
  data: Array<NotificationData>;
  id: Scalars['ID']['output'];
  /** e.g. order.shipped or stock.low */
  kind: Scalars['String']['output'];
  /** ISO 8601; null while unread */
  readAt?: Maybe<Scalars['String']['output']>;
  /** In the recipient's locale */
  title: Scalars['String']['output'];
};

/** What a notification is about; a user turns each on or off per channel. */
export type NotificationCategory =
  /** Someone followed the seller's storefront */
  | 'FOLLOWS'
  /** A variant of the seller's fell below its low-stock threshold */
  | 'LOW_STOCK'
  /** News from followed storefronts: off until the user opts in */
  | 'MARKETING'
  /** Sign-ins and account changes: e-mail cannot be turned off */
  | 'SECURITY'
  /** Orders bought and sold, payouts: e-mail cannot be turned off */
  | 'TRANSACTIONAL';

/** How a notification reaches its recipient. */
export type NotificationChannel =
  /** E-mail to the profile's address */
  | 'EMAIL'
  /** The in-app inbox */
  | 'IN_APP'
  /** Push to each registered device */
  | 'PUSH';

/** A page of notifications, newest first. */
export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  edges: Array<NotificationEdge>;
  pageInfo: PageInfo;
};

/** One key/value of what a notification is about. */
export type NotificationData = {
  __typename?: 'NotificationData';
  /** e.g. order_id, storefront_id, variant_id */
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A delivery that failed every attempt. */
export type NotificationDeadLetter = {
  __typename?: 'NotificationDeadLetter';
  attempts: Scalars['Int']['output'];
  channel: NotificationChannel;
  /** The last error */
  error: Scalars['String']['output'];
  /** ISO 8601 */
  failedAt: Scalars['String']['output'];
  /** Delivery id */
  id: Scalars['ID']['output'];
  /** The notification's kind */
  kind: Scalars['String']['output'];
  recipientId: Scalars['ID']['output'];
};

/** One notification of a page. */
export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  /** The cursor after this notification; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  node: Notification;
};

/** Whether the caller wants one category on one channel. */
export type NotificationPreference = {
  __typename?: 'NotificationPreference';
  category: NotificationCategory;
  channel: NotificationChannel;
  enabled: Scalars['Boolean']['output'];
  /** Cannot be turned off (transactional and security e-mail) */
  locked: Scalars['Boolean']['output'];
};

/** What one seller owes one buyer from one checkout. */
export type Order = {
  __typename?: 'Order';
  buyerId: Scalars['ID']['output'];
  carrier?: Maybe<Scalars['String']['output']>;
  checkoutId: Scalars['ID']['output'];
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  history: Array<OrderTransition>;
  id: Scalars['ID']['output'];
  snapshot: OrderSnapshot;
  status: OrderStatus;
  /** The storefront as it is now (null when hidden); the snapshot keeps the seller as it was */
  storefront?: Maybe<Storefront>;
  storefrontId: Scalars['ID']['output'];
  trackingNumber?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

/** A page of orders. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  pageInfo: PageInfo;
};

/** One order of a page. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor?: Maybe<Scalars['String']['output']>;
  node: Order;
};

/** A line as it was bought. */
export type OrderLine = {
  __typename?: 'OrderLine';
  /** The image as bought (mediaId of the order's snapshot); null when it is gone or the media service cannot be asked */
  image?: Maybe<Media>;
  lineTotal: Money;
  mediaId?: Maybe<Scalars['ID']['output']>;
  options: Array<ProductOption>;
  /** The product as it is now (null when hidden or gone); the line itself keeps what was bought */
  product?: Maybe<Product>;
  productId: Scalars['ID']['output'];
  quantity: Scalars['Int']['output'];
  sku: Scalars['String']['output'];
  title: Scalars['String']['output'];
  unitPrice: Money;
  variantId: Scalars['ID']['output'];
};

/** The seller as it was at checkout. */
export type OrderSeller = {
  __typename?: 'OrderSeller';
  address: PostalAddress;
  email?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  phone?: Maybe<Scalars['String']['output']>;
  slug: Scalars['String']['output'];
  storefrontId: Scalars['ID']['output'];
};

/** What was bought, from whom, for whom: frozen at checkout. */
export type OrderSnapshot = {
  __typename?: 'OrderSnapshot';
  billingAddress: ContactAddress;
  lines: Array<OrderLine>;
  note: Scalars['String']['output'];
  seller: OrderSeller;
  shippingAddress: ContactAddress;
  subtotal: Money;
  total: Money;
};

/** Where an order stands. */
export type OrderStatus =
  /** Taken by the seller */
  | 'ACCEPTED'
  /** Cancelled; its units went back to stock */
  | 'CANCELLED'
  /** Confirmed by the buyer; the seller is credited */
  | 'COMPLETED'
  /** Delivered to the buyer */
  | 'DELIVERED'
  /** Placed by the buyer, waiting for the seller */
  | 'PLACED'
  /** Handed to a carrier */
  | 'SHIPPED';

/** A change of status of an order the caller bought, or sold as the storefront's owner. */
export type OrderStatusUpdate = {
  __typename?: 'OrderStatusUpdate';
  /** Once shipped */
  carrier?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  changedAt: Scalars['String']['output'];
  orderId: Scalars['ID']['output'];
  /** Status before the change; null when the order was just placed */
  previousStatus?: Maybe<OrderStatus>;
  /** Status after the change */
  status: OrderStatus;
  /** Once shipped */
  trackingNumber?: Maybe<Scalars['String']['output']>;
};

/** One step of an order's history. */
export type OrderTransition = {
  __typename?: 'OrderTransition';
  actorId: Scalars['ID']['output'];
  /** ISO 8601 */
  at: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  status: OrderStatus;
};

/** A code sent by SMS. */
export type OtpChallenge = {
  __typename?: 'OtpChallenge';
  expiresAt: Scalars['String']['output'];
  resendAfterSeconds: Scalars['Int']['output'];
};

/** Where a page of a connection ends. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as after to get the next page; null on the last page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** Money on its way from the marketplace to a seller. */
export type Payout = {
  __typename?: 'Payout';
  /** The whole available balance in its currency when requested */
  amount: Money;
  /** ISO 8601 */
  decidedAt?: Maybe<Scalars['String']['output']>;
  /** Admin who marked it */
  decidedBy?: Maybe<Scalars['ID']['output']>;
  failureReason?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The payout provider, e.g. manual */
  provider: Scalars['String']['output'];
  /** Reference of the transfer */
  providerReference?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  requestedAt: Scalars['String']['output'];
  /** Account that requested it */
  requestedBy: Scalars['ID']['output'];
  status: PayoutStatus;
  storefrontId: Scalars['ID']['output'];
};

/** A page of payouts, newest first. */
export type PayoutConnection = {
  __typename?: 'PayoutConnection';
  edges: Array<PayoutEdge>;
  pageInfo: PageInfo;
};

/** One payout of a page. */
export type PayoutEdge = {
  __typename?: 'PayoutEdge';
  /** The cursor after this payout; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  node: Payout;
};

/** Where a payout stands. */
export type PayoutStatus =
  /** The money did not reach the seller; its amount went back to the balance */
  | 'FAILED'
  /** The money reached the seller */
  | 'PAID'
  /** Taken from the balance; waiting for an admin to mark it */
  | 'REQUESTED';

/** A postal address. */
export type PostalAddress = {
  __typename?: 'PostalAddress';
  city: Scalars['String']['output'];
  /** ISO 3166-1 alpha-2 */
  countryCode: Scalars['String']['output'];
  line1: Scalars['String']['output'];
  line2?: Maybe<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  region?: Maybe<Scalars['String']['output']>;
};

/** A postal address. */
export type PostalAddressInput = {
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2 */
  countryCode: Scalars['String']['input'];
  line1: Scalars['String']['input'];
  line2?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
};

/** One setting to change. */
export type PreferenceInput = {
  category: NotificationCategory;
  channel: NotificationChannel;
  enabled: Scalars['Boolean']['input'];
};

/** Lowest and highest price. */
export type PriceRange = {
  __typename?: 'PriceRange';
  max: Money;
  min: Money;
};

/** An item a storefront sells, with its variants. */
export type Product = {
  __typename?: 'Product';
  attributes: Array<ProductAttribute>;
  category?: Maybe<Category>;
  categoryId: Scalars['ID']['output'];
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The first of media; null when none is ready or the media service cannot be asked */
  image?: Maybe<Media>;
  /** The ready ones of mediaIds, in order; empty when the media service cannot be asked */
  media: Array<Media>;
  /** Images and videos in display order */
  mediaIds: Array<Scalars['ID']['output']>;
  /** Names of the options its variants differ in */
  optionNames: Array<Scalars['String']['output']>;
  /** Null without variants or when they are priced in several currencies */
  priceRange?: Maybe<PriceRange>;
  /** ISO 8601; null before it was first made ACTIVE */
  publishedAt?: Maybe<Scalars['String']['output']>;
  status: ProductStatus;
  /** Null when the storefront is hidden from the caller */
  storefront?: Maybe<Storefront>;
  storefrontId: Scalars['ID']['output'];
  title: Scalars['String']['output'];
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
  variants: Array<Variant>;
};

/** A free-form attribute, e.g. material leather. */
export type ProductAttribute = {
  __typename?: 'ProductAttribute';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A page of products. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  edges: Array<ProductEdge>;
  pageInfo: PageInfo;
};

/** One product of a page. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** The cursor after this product; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  node: Product;
};

/** A search result: what a product card shows. */
export type ProductHit = {
  __typename?: 'ProductHit';
  category?: Maybe<Category>;
  categoryId: Scalars['ID']['output'];
  /** Highest compare-at price among the variants */
  compareAtPrice?: Maybe<Money>;
  /** Metres from the point of near to the storefront; null without near */
  distanceMeters?: Maybe<Scalars['Float']['output']>;
  /** Product id */
  id: Scalars['ID']['output'];
  /** The image of mediaId; null when it is not ready or the media service cannot be asked */
  image?: Maybe<Media>;
  /** A variant is in stock (or stock is not tracked) */
  inStock: Scalars['Boolean']['output'];
  /** First image; null when none */
  mediaId?: Maybe<Scalars['ID']['output']>;
  priceRange: PriceRange;
  /** The full product (one batched call for every hit of the request) */
  product?: Maybe<Product>;
  /** ISO 8601 */
  publishedAt?: Maybe<Scalars['String']['output']>;
  /** Text relevance; 0 without a query */
  relevance: Scalars['Float']['output'];
  storefront?: Maybe<Storefront>;
  storefrontId: Scalars['ID']['output'];
  storefrontName: Scalars['String']['output'];
  title: Scalars['String']['output'];
};

/** One search result of a page. */
export type ProductHitEdge = {
  __typename?: 'ProductHitEdge';
  /** The cursor after this hit; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  /** Metres from the point of near; null without near */
  distanceMeters?: Maybe<Scalars['Float']['output']>;
  node: ProductHit;
};

/** One option value of a variant, e.g. size M. */
export type ProductOption = {
  __typename?: 'ProductOption';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A page of search results. */
export type ProductSearchConnection = {
  __typename?: 'ProductSearchConnection';
  /** The query after spelling corrections; null when no word was corrected */
  correctedQuery?: Maybe<Scalars['String']['output']>;
  edges: Array<ProductHitEdge>;
  pageInfo: PageInfo;
};

/** Order of search results. */
export type ProductSort =
  /** Nearest storefront first (needs near; the default with near and no query) */
  | 'DISTANCE'
  /** Most recently published first (the default otherwise) */
  | 'NEWEST'
  | 'PRICE_ASC'
  | 'PRICE_DESC'
  /** Best text match first (the default with a query) */
  | 'RELEVANCE';

/** Whether buyers see a product. */
export type ProductStatus =
  /** Visible to buyers while its storefront is active */
  | 'ACTIVE'
  /** Withdrawn; seen by its seller only */
  | 'ARCHIVED'
  /** Seen by its seller only */
  | 'DRAFT';

/** What a user tells the marketplace about themselves. */
export type Profile = {
  __typename?: 'Profile';
  /** The image of avatarMediaId; null when it is not ready or the media service cannot be asked */
  avatar?: Maybe<Media>;
  /** Media id of the avatar image */
  avatarMediaId?: Maybe<Scalars['ID']['output']>;
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  displayName?: Maybe<Scalars['String']['output']>;
  email?: Maybe<Scalars['String']['output']>;
  /** BCP 47, e.g. en or pt-BR */
  locale: Scalars['String']['output'];
  /** E.164 */
  phone?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
  userId: Scalars['ID']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The caller's account */
  account: Account;
  /** One of the caller's addresses; NOT_FOUND for any other */
  address?: Maybe<Address>;
  /** A storefront's balance: the caller's own, or any named one for an admin */
  balance: SellerBalance;
  /** The caller's cart with current prices, sellers and stock */
  cart: Cart;
  /** The category tree as a flat list, parents before children (children and breadcrumbs link it up) */
  categories: Array<Category>;
  /** One category by id or slug */
  category?: Maybe<Category>;
  /** The caller's push devices, most recently seen first */
  deviceTokens: Array<Device>;
  /** Storefronts the caller follows, newest follow first */
  followedStorefronts: StorefrontConnection;
  /** Health of the gateway and every service behind it. */
  health: GatewayHealth;
  /** A storefront's balance ledger, newest first (owner or admin). first: 1 to 100, default 20 */
  ledgerEntries: LedgerEntryConnection;
  /** The signed-in user; UNAUTHENTICATED without a token */
  me?: Maybe<Me>;
  /** One media with its private state: the caller's own, or any for an admin; null when there is none the caller may see */
  media?: Maybe<Media>;
  /** The caller's media, newest first. first: 1 to 100, default 20 */
  myMedia: MediaConnection;
  /** The caller's storefront; null before it is opened */
  myStorefront?: Maybe<Storefront>;
  /** Deliveries that failed every attempt, newest first (admins). limit: 1 to 100, default 50 */
  notificationDeadLetters: Array<NotificationDeadLetter>;
  /** Every category on every channel, as the caller chose or by default */
  notificationPreferences: Array<NotificationPreference>;
  /** The caller's in-app notifications, newest first. first: 1 to 100, default 20 */
  notifications: NotificationConnection;
  /** One order, to its buyer, its seller or an admin */
  order?: Maybe<Order>;
  /** The caller's orders as a buyer, newest first */
  orders: OrderConnection;
  /** Payouts, newest first: the caller's storefront's, a named one's, or every storefront's for an admin */
  payouts: PayoutConnection;
  /** One product: an active one of an active storefront to anyone, any to its seller or an admin */
  product?: Maybe<Product>;
  /** Search visible products. first: 1 to 100, default 20 */
  products: ProductSearchConnection;
  /** The same as products */
  search: ProductSearchConnection;
  /** Orders of the caller's storefront (admins may name one), newest first */
  sellerOrders: OrderConnection;
  /** The caller's active sessions, most recently used first */
  sessions: Array<Session>;
  /** Stock of variants (their storefront's owner or an admin; another storefront's variant is PERMISSION_DENIED); variants never stocked are left out */
  stock: Array<StockLevel>;
  /** A variant's ledger, newest first (its storefront's owner or an admin) */
  stockMovements: StockMovementConnection;
  /** One storefront by id or slug: an active one to anyone, any to its owner or an admin */
  storefront?: Maybe<Storefront>;
  /** Active storefronts (any status for admins): nearest first with near, else newest; with query, name matches before description matches. first: 1 to 100, default 20 */
  storefronts: StorefrontConnection;
  /** How many of the caller's notifications are unread */
  unreadNotificationCount: Scalars['Int']['output'];
};


export type QueryAddressArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBalanceArgs = {
  storefrontId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryCategoriesArgs = {
  includeArchived?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryCategoryArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type QueryFollowedStorefrontsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLedgerEntriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  currency?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  storefrontId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryMediaArgs = {
  id: Scalars['ID']['input'];
};


export type QueryMyMediaArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  purpose?: InputMaybe<MediaPurpose>;
};


export type QueryNotificationDeadLettersArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
};


export type QueryPayoutsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<PayoutStatus>;
  storefrontId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  currency?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  maxPrice?: InputMaybe<Scalars['SafeInt']['input']>;
  minPrice?: InputMaybe<Scalars['SafeInt']['input']>;
  near?: InputMaybe<NearInput>;
  options?: InputMaybe<Array<NameValueInput>>;
  query?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ProductSort>;
  storefrontId?: InputMaybe<Scalars['ID']['input']>;
};


export type QuerySearchArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  currency?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  maxPrice?: InputMaybe<Scalars['SafeInt']['input']>;
  minPrice?: InputMaybe<Scalars['SafeInt']['input']>;
  near?: InputMaybe<NearInput>;
  options?: InputMaybe<Array<NameValueInput>>;
  query?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ProductSort>;
  storefrontId?: InputMaybe<Scalars['ID']['input']>;
};


export type QuerySellerOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
  storefrontId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryStockArgs = {
  variantIds: Array<Scalars['ID']['input']>;
};


export type QueryStockMovementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  variantId: Scalars['ID']['input'];
};


export type QueryStorefrontArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type QueryStorefrontsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  countryCode?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  near?: InputMaybe<NearInput>;
  query?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<StorefrontStatus>;
};

/** A storefront's balance in every currency it has earned in. */
export type SellerBalance = {
  __typename?: 'SellerBalance';
  balances: Array<CurrencyBalance>;
  storefrontId: Scalars['ID']['output'];
};

/** Health of one service behind the gateway. */
export type ServiceHealth = {
  __typename?: 'ServiceHealth';
  /** closed, open or half-open. */
  circuit: Scalars['String']['output'];
  /** Dependencies the service is doing without while it still serves (say the bus). */
  degraded?: Maybe<Array<Scalars['String']['output']>>;
  error?: Maybe<Scalars['String']['output']>;
  /** Round trip of its gRPC health check in milliseconds. */
  latencyMs: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  status: Scalars['String']['output'];
};

/** One signed-in device. */
export type Session = {
  __typename?: 'Session';
  createdAt: Scalars['String']['output'];
  current: Scalars['Boolean']['output'];
  expiresAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  ip: Scalars['String']['output'];
  lastUsedAt: Scalars['String']['output'];
  userAgent: Scalars['String']['output'];
};

/** A successful sign-in. */
export type SignIn = {
  __typename?: 'SignIn';
  account: Account;
  /** True when this sign-in created the account */
  created: Scalars['Boolean']['output'];
  tokens: Tokens;
};

/** The reasons a seller records by hand. */
export type StockAdjustmentReason =
  | 'ADJUSTMENT'
  | 'REPLENISHMENT';

/** A variant's stock. */
export type StockLevel = {
  __typename?: 'StockLevel';
  /** On hand minus reserved */
  available: Scalars['Int']['output'];
  /** Available is below the threshold */
  low: Scalars['Boolean']['output'];
  /** Null when none is set */
  lowStockThreshold?: Maybe<Scalars['Int']['output']>;
  onHand: Scalars['Int']['output'];
  productId: Scalars['ID']['output'];
  /** Held by checkouts in progress */
  reserved: Scalars['Int']['output'];
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
  variantId: Scalars['ID']['output'];
  version: Scalars['Int']['output'];
};

/** One entry of a variant's stock ledger. */
export type StockMovement = {
  __typename?: 'StockMovement';
  actorId: Scalars['ID']['output'];
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  note: Scalars['String']['output'];
  onHandAfter: Scalars['Int']['output'];
  /** Positive in, negative out */
  quantity: Scalars['Int']['output'];
  reason: StockMovementReason;
  reservationId?: Maybe<Scalars['ID']['output']>;
  variantId: Scalars['ID']['output'];
};

/** A page of ledger entries. */
export type StockMovementConnection = {
  __typename?: 'StockMovementConnection';
  edges: Array<StockMovementEdge>;
  pageInfo: PageInfo;
};

/** One entry of a page. */
export type StockMovementEdge = {
  __typename?: 'StockMovementEdge';
  cursor?: Maybe<Scalars['String']['output']>;
  node: StockMovement;
};

/** Why on-hand stock changed. */
export type StockMovementReason =
  /** A correction up or down */
  | 'ADJUSTMENT'
  /** Units back from a cancelled order */
  | 'CANCELLATION'
  /** Units received */
  | 'REPLENISHMENT'
  /** Units sold by a checkout */
  | 'SALE';

/** A seller's shop on the marketplace. */
export type Storefront = {
  __typename?: 'Storefront';
  address: PostalAddress;
  /** The image of bannerMediaId; null when it is not ready or the media service cannot be asked */
  banner?: Maybe<Media>;
  bannerMediaId?: Maybe<Scalars['ID']['output']>;
  contact: StorefrontContact;
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  description: Scalars['String']['output'];
  /** Metres from the point of near, in lists near a point; null elsewhere */
  distanceMeters?: Maybe<Scalars['Float']['output']>;
  /** False for anonymous callers */
  followedByMe: Scalars['Boolean']['output'];
  followerCount: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  location: GeoPoint;
  /** The image of logoMediaId; null when it is not ready or the media service cannot be asked */
  logo?: Maybe<Media>;
  logoMediaId?: Maybe<Scalars['ID']['output']>;
  name: Scalars['String']['output'];
  /** Account id of the seller who owns it */
  ownerId: Scalars['ID']['output'];
  /** Its products, newest first: every status for its owner and admins (status filters), active ones for others */
  products: ProductConnection;
  /** Unique URL name */
  slug: Scalars['String']['output'];
  status: StorefrontStatus;
  /** Why an admin suspended it */
  statusReason?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
};


/** A seller's shop on the marketplace. */
export type StorefrontProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<ProductStatus>;
};

/** A page of storefronts. */
export type StorefrontConnection = {
  __typename?: 'StorefrontConnection';
  edges: Array<StorefrontEdge>;
  pageInfo: PageInfo;
};

/** How buyers reach a storefront. */
export type StorefrontContact = {
  __typename?: 'StorefrontContact';
  email?: Maybe<Scalars['String']['output']>;
  /** E.164 */
  phone?: Maybe<Scalars['String']['output']>;
  website?: Maybe<Scalars['String']['output']>;
};

/** How buyers reach a storefront; every part optional. */
export type StorefrontContactInput = {
  email?: InputMaybe<Scalars['String']['input']>;
  /** E.164 */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** http(s) URL */
  website?: InputMaybe<Scalars['String']['input']>;
};

/** One storefront of a page. */
export type StorefrontEdge = {
  __typename?: 'StorefrontEdge';
  /** The cursor after this storefront; only the last edge of a page that has a next one carries it. */
  cursor?: Maybe<Scalars['String']['output']>;
  /** Metres from the point of near; null without near */
  distanceMeters?: Maybe<Scalars['Float']['output']>;
  node: Storefront;
};

/** Whether buyers see a storefront. */
export type StorefrontStatus =
  /** Visible to buyers with its products */
  | 'ACTIVE'
  /** Waiting for an admin's approval; hidden from buyers */
  | 'PENDING'
  /** Hidden by an admin, with its products */
  | 'SUSPENDED';

/**
 * Live updates over WebSocket at /graphql (protocol graphql-transport-ws). Sign in with the
 * connection_init payload { authorization: "Bearer <access token>" }. At most 5 subscriptions per
 * connection and 20 connections per user; a subscription completes once its token has expired.
 * What happened while a client was not connected is not replayed: read the inbox and orders again.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /** Each new in-app notification of the caller */
  notificationReceived: Notification;
  /** Each status change of an order the caller bought, or sold as the storefront's owner */
  orderStatusChanged: OrderStatusUpdate;
};

/** Tokens of a session. Send the access token as 'Authorization: Bearer …'; the refresh token is single use. */
export type Tokens = {
  __typename?: 'Tokens';
  accessToken: Scalars['String']['output'];
  accessTokenExpiresAt: Scalars['String']['output'];
  refreshToken: Scalars['String']['output'];
  refreshTokenExpiresAt: Scalars['String']['output'];
  sessionId: Scalars['ID']['output'];
  tokenType: Scalars['String']['output'];
};

/** Category changes: omitted fields stay; parentId null moves it to the root; ARCHIVED archives its descendants too. */
export type UpdateCategoryInput = {
  name?: InputMaybe<Scalars['String']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
  position?: InputMaybe<Scalars['Int']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<CategoryStatus>;
};

/** Product changes: omitted fields stay; attributes, mediaIds and optionNames replace the whole list. */
export type UpdateProductInput = {
  attributes?: InputMaybe<Array<NameValueInput>>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  mediaIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** With variants, only a rename: as many names, each taking the place of the one at its position */
  optionNames?: InputMaybe<Array<Scalars['String']['input']>>;
  status?: InputMaybe<ProductStatus>;
  title?: InputMaybe<Scalars['String']['input']>;
};

/** Profile changes: an omitted field stays as it is, null or an empty string clears it (the locale cannot be cleared). */
export type UpdateProfileInput = {
  avatarMediaId?: InputMaybe<Scalars['ID']['input']>;
  displayName?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  locale?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
};

/** Storefront changes: omitted fields stay; null media ids remove the image; contact and address replace the whole. */
export type UpdateStorefrontInput = {
  address?: InputMaybe<PostalAddressInput>;
  bannerMediaId?: InputMaybe<Scalars['ID']['input']>;
  contact?: InputMaybe<StorefrontContactInput>;
  description?: InputMaybe<Scalars['String']['input']>;
  location?: InputMaybe<GeoPointInput>;
  logoMediaId?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Variant changes: omitted fields stay; compareAtPrice null removes it; options replace all. */
export type UpdateVariantInput = {
  compareAtPrice?: InputMaybe<MoneyInput>;
  options?: InputMaybe<Array<NameValueInput>>;
  position?: InputMaybe<Scalars['Int']['input']>;
  price?: InputMaybe<MoneyInput>;
  sku?: InputMaybe<Scalars['String']['input']>;
};

/** One buyable version of a product. */
export type Variant = {
  __typename?: 'Variant';
  /** Former price shown crossed out; greater than price */
  compareAtPrice?: Maybe<Money>;
  /** ISO 8601 */
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** One value for each of the product's option names */
  options: Array<ProductOption>;
  position: Scalars['Int']['output'];
  price: Money;
  productId: Scalars['ID']['output'];
  /** Unique within the seller's storefront */
  sku: Scalars['String']['output'];
  /** ISO 8601 */
  updatedAt: Scalars['String']['output'];
};

/** A variant as a seller writes it. */
export type VariantInput = {
  compareAtPrice?: InputMaybe<MoneyInput>;
  /** One value for each of the product's option names */
  options?: InputMaybe<Array<NameValueInput>>;
  price: MoneyInput;
  /** 1 to 64 of letters, digits, dot, dash, underscore */
  sku: Scalars['String']['input'];
};

/** A changed variant and its product. */
export type VariantPayload = {
  __typename?: 'VariantPayload';
  product: Product;
  variant: Variant;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Account: ResolverTypeWrapper<AccountModel>;
  Address: ResolverTypeWrapper<AddressModel>;
  AddressConnection: ResolverTypeWrapper<Omit<AddressConnection, 'edges'> & { edges: Array<ResolversTypes['AddressEdge']> }>;
  AddressEdge: ResolverTypeWrapper<Omit<AddressEdge, 'node'> & { node: ResolversTypes['Address'] }>;
  AddressInput: AddressInput;
  AddressPageInfo: ResolverTypeWrapper<AddressPageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Cart: ResolverTypeWrapper<CartModel>;
  CartLine: ResolverTypeWrapper<CartLineModel>;
  CartStorefront: ResolverTypeWrapper<CartStorefront>;
  Category: ResolverTypeWrapper<CategoryModel>;
  CategoryStatus: CategoryStatus;
  Checkout: ResolverTypeWrapper<CheckoutModel>;
  CheckoutInput: CheckoutInput;
  CheckoutLineInput: CheckoutLineInput;
  ContactAddress: ResolverTypeWrapper<ContactAddress>;
  ContactAddressInput: ContactAddressInput;
  CreateCategoryInput: CreateCategoryInput;
  CreateProductInput: CreateProductInput;
  CreateStorefrontInput: CreateStorefrontInput;
  CreateUploadInput: CreateUploadInput;
  CurrencyBalance: ResolverTypeWrapper<CurrencyBalanceModel>;
  Device: ResolverTypeWrapper<DeviceModel>;
  DevicePlatform: DevicePlatform;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  GatewayHealth: ResolverTypeWrapper<GatewayHealth>;
  GeoPoint: ResolverTypeWrapper<GeoPoint>;
  GeoPointInput: GeoPointInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ImageFormat: ImageFormat;
  ImageSize: ImageSize;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  LedgerEntry: ResolverTypeWrapper<LedgerEntryModel>;
  LedgerEntryConnection: ResolverTypeWrapper<Omit<LedgerEntryConnection, 'edges'> & { edges: Array<ResolversTypes['LedgerEntryEdge']> }>;
  LedgerEntryEdge: ResolverTypeWrapper<Omit<LedgerEntryEdge, 'node'> & { node: ResolversTypes['LedgerEntry'] }>;
  LedgerEntryKind: LedgerEntryKind;
  MarkNotificationsReadResult: ResolverTypeWrapper<MarkNotificationsReadResultModel>;
  Me: ResolverTypeWrapper<MeModel>;
  Media: ResolverTypeWrapper<MediaModel>;
  MediaConnection: ResolverTypeWrapper<Omit<MediaConnection, 'edges'> & { edges: Array<ResolversTypes['MediaEdge']> }>;
  MediaEdge: ResolverTypeWrapper<Omit<MediaEdge, 'node'> & { node: ResolversTypes['Media'] }>;
  MediaKind: MediaKind;
  MediaPurpose: MediaPurpose;
  MediaRendition: ResolverTypeWrapper<MediaRenditionModel>;
  MediaStatus: MediaStatus;
  MediaUpload: ResolverTypeWrapper<Omit<MediaUpload, 'media'> & { media: ResolversTypes['Media'] }>;
  MediaUploadHeader: ResolverTypeWrapper<MediaUploadHeader>;
  MediaVideo: ResolverTypeWrapper<MediaVideoModel>;
  Money: ResolverTypeWrapper<Money>;
  MoneyInput: MoneyInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  NameValueInput: NameValueInput;
  NearInput: NearInput;
  Notification: ResolverTypeWrapper<NotificationModel>;
  NotificationCategory: NotificationCategory;
  NotificationChannel: NotificationChannel;
  NotificationConnection: ResolverTypeWrapper<Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversTypes['NotificationEdge']> }>;
  NotificationData: ResolverTypeWrapper<NotificationData>;
  NotificationDeadLetter: ResolverTypeWrapper<NotificationDeadLetterModel>;
  NotificationEdge: ResolverTypeWrapper<Omit<NotificationEdge, 'node'> & { node: ResolversTypes['Notification'] }>;
  NotificationPreference: ResolverTypeWrapper<NotificationPreferenceModel>;
  Order: ResolverTypeWrapper<OrderModel>;
  OrderConnection: ResolverTypeWrapper<Omit<OrderConnection, 'edges'> & { edges: Array<ResolversTypes['OrderEdge']> }>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderLine: ResolverTypeWrapper<OrderLineModel>;
  OrderSeller: ResolverTypeWrapper<OrderSeller>;
  OrderSnapshot: ResolverTypeWrapper<Omit<OrderSnapshot, 'lines'> & { lines: Array<ResolversTypes['OrderLine']> }>;
  OrderStatus: OrderStatus;
  OrderStatusUpdate: ResolverTypeWrapper<OrderStatusUpdateModel>;
  OrderTransition: ResolverTypeWrapper<OrderTransitionModel>;
  OtpChallenge: ResolverTypeWrapper<OtpChallengeModel>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Payout: ResolverTypeWrapper<PayoutModel>;
  PayoutConnection: ResolverTypeWrapper<Omit<PayoutConnection, 'edges'> & { edges: Array<ResolversTypes['PayoutEdge']> }>;
  PayoutEdge: ResolverTypeWrapper<Omit<PayoutEdge, 'node'> & { node: ResolversTypes['Payout'] }>;
  PayoutStatus: PayoutStatus;
  PostalAddress: ResolverTypeWrapper<PostalAddress>;
  PostalAddressInput: PostalAddressInput;
  PreferenceInput: PreferenceInput;
  PriceRange: ResolverTypeWrapper<PriceRange>;
  Product: ResolverTypeWrapper<ProductModel>;
  ProductAttribute: ResolverTypeWrapper<ProductAttribute>;
  ProductConnection: ResolverTypeWrapper<Omit<ProductConnection, 'edges'> & { edges: Array<ResolversTypes['ProductEdge']> }>;
  ProductEdge: ResolverTypeWrapper<Omit<ProductEdge, 'node'> & { node: ResolversTypes['Product'] }>;
  ProductHit: ResolverTypeWrapper<ProductHitModel>;
  ProductHitEdge: ResolverTypeWrapper<Omit<ProductHitEdge, 'node'> & { node: ResolversTypes['ProductHit'] }>;
  ProductOption: ResolverTypeWrapper<ProductOption>;
  ProductSearchConnection: ResolverTypeWrapper<Omit<ProductSearchConnection, 'edges'> & { edges: Array<ResolversTypes['ProductHitEdge']> }>;
  ProductSort: ProductSort;
  ProductStatus: ProductStatus;
  Profile: ResolverTypeWrapper<ProfileModel>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SafeInt: ResolverTypeWrapper<Scalars['SafeInt']['output']>;
  SellerBalance: ResolverTypeWrapper<SellerBalanceModel>;
  ServiceHealth: ResolverTypeWrapper<ServiceHealth>;
  Session: ResolverTypeWrapper<SessionModel>;
  SignIn: ResolverTypeWrapper<SignInModel>;
  StockAdjustmentReason: StockAdjustmentReason;
  StockLevel: ResolverTypeWrapper<StockLevelModel>;
  StockMovement: ResolverTypeWrapper<StockMovementModel>;
  StockMovementConnection: ResolverTypeWrapper<Omit<StockMovementConnection, 'edges'> & { edges: Array<ResolversTypes['StockMovementEdge']> }>;
  StockMovementEdge: ResolverTypeWrapper<Omit<StockMovementEdge, 'node'> & { node: ResolversTypes['StockMovement'] }>;
  StockMovementReason: StockMovementReason;
  Storefront: ResolverTypeWrapper<StorefrontModel>;
  StorefrontConnection: ResolverTypeWrapper<Omit<StorefrontConnection, 'edges'> & { edges: Array<ResolversTypes['StorefrontEdge']> }>;
  StorefrontContact: ResolverTypeWrapper<StorefrontContact>;
  StorefrontContactInput: StorefrontContactInput;
  StorefrontEdge: ResolverTypeWrapper<Omit<StorefrontEdge, 'node'> & { node: ResolversTypes['Storefront'] }>;
  StorefrontStatus: StorefrontStatus;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Tokens: ResolverTypeWrapper<TokensModel>;
  UpdateCategoryInput: UpdateCategoryInput;
  UpdateProductInput: UpdateProductInput;
  UpdateProfileInput: UpdateProfileInput;
  UpdateStorefrontInput: UpdateStorefrontInput;
  UpdateVariantInput: UpdateVariantInput;
  Variant: ResolverTypeWrapper<VariantModel>;
  VariantInput: VariantInput;
  VariantPayload: ResolverTypeWrapper<Omit<VariantPayload, 'product' | 'variant'> & { product: ResolversTypes['Product'], variant: ResolversTypes['Variant'] }>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Account: AccountModel;
  Address: AddressModel;
  AddressConnection: Omit<AddressConnection, 'edges'> & { edges: Array<ResolversParentTypes['AddressEdge']> };
  AddressEdge: Omit<AddressEdge, 'node'> & { node: ResolversParentTypes['Address'] };
  AddressInput: AddressInput;
  AddressPageInfo: AddressPageInfo;
  Boolean: Scalars['Boolean']['output'];
  Cart: CartModel;
  CartLine: CartLineModel;
  CartStorefront: CartStorefront;
  Category: CategoryModel;
  Checkout: CheckoutModel;
  CheckoutInput: CheckoutInput;
  CheckoutLineInput: CheckoutLineInput;
  ContactAddress: ContactAddress;
  ContactAddressInput: ContactAddressInput;
  CreateCategoryInput: CreateCategoryInput;
  CreateProductInput: CreateProductInput;
  CreateStorefrontInput: CreateStorefrontInput;
  CreateUploadInput: CreateUploadInput;
  CurrencyBalance: CurrencyBalanceModel;
  Device: DeviceModel;
  Float: Scalars['Float']['output'];
  GatewayHealth: GatewayHealth;
  GeoPoint: GeoPoint;
  GeoPointInput: GeoPointInput;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  LedgerEntry: LedgerEntryModel;
  LedgerEntryConnection: Omit<LedgerEntryConnection, 'edges'> & { edges: Array<ResolversParentTypes['LedgerEntryEdge']> };
  LedgerEntryEdge: Omit<LedgerEntryEdge, 'node'> & { node: ResolversParentTypes['LedgerEntry'] };
  MarkNotificationsReadResult: MarkNotificationsReadResultModel;
  Me: MeModel;
  Media: MediaModel;
  MediaConnection: Omit<MediaConnection, 'edges'> & { edges: Array<ResolversParentTypes['MediaEdge']> };
  MediaEdge: Omit<MediaEdge, 'node'> & { node: ResolversParentTypes['Media'] };
  MediaRendition: MediaRenditionModel;
  MediaUpload: Omit<MediaUpload, 'media'> & { media: ResolversParentTypes['Media'] };
  MediaUploadHeader: MediaUploadHeader;
  MediaVideo: MediaVideoModel;
  Money: Money;
  MoneyInput: MoneyInput;
  Mutation: Record<PropertyKey, never>;
  NameValueInput: NameValueInput;
  NearInput: NearInput;
  Notification: NotificationModel;
  NotificationConnection: Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversParentTypes['NotificationEdge']> };
  NotificationData: NotificationData;
  NotificationDeadLetter: NotificationDeadLetterModel;
  NotificationEdge: Omit<NotificationEdge, 'node'> & { node: ResolversParentTypes['Notification'] };
  NotificationPreference: NotificationPreferenceModel;
  Order: OrderModel;
  OrderConnection: Omit<OrderConnection, 'edges'> & { edges: Array<ResolversParentTypes['OrderEdge']> };
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderLine: OrderLineModel;
  OrderSeller: OrderSeller;
  OrderSnapshot: Omit<OrderSnapshot, 'lines'> & { lines: Array<ResolversParentTypes['OrderLine']> };
  OrderStatusUpdate: OrderStatusUpdateModel;
  OrderTransition: OrderTransitionModel;
  OtpChallenge: OtpChallengeModel;
  PageInfo: PageInfo;
  Payout: PayoutModel;
  PayoutConnection: Omit<PayoutConnection, 'edges'> & { edges: Array<ResolversParentTypes['PayoutEdge']> };
  PayoutEdge: Omit<PayoutEdge, 'node'> & { node: ResolversParentTypes['Payout'] };
  PostalAddress: PostalAddress;
  PostalAddressInput: PostalAddressInput;
  PreferenceInput: PreferenceInput;
  PriceRange: PriceRange;
  Product: ProductModel;
  ProductAttribute: ProductAttribute;
  ProductConnection: Omit<ProductConnection, 'edges'> & { edges: Array<ResolversParentTypes['ProductEdge']> };
  ProductEdge: Omit<ProductEdge, 'node'> & { node: ResolversParentTypes['Product'] };
  ProductHit: ProductHitModel;
  ProductHitEdge: Omit<ProductHitEdge, 'node'> & { node: ResolversParentTypes['ProductHit'] };
  ProductOption: ProductOption;
  ProductSearchConnection: Omit<ProductSearchConnection, 'edges'> & { edges: Array<ResolversParentTypes['ProductHitEdge']> };
  Profile: ProfileModel;
  Query: Record<PropertyKey, never>;
  SafeInt: Scalars['SafeInt']['output'];
  SellerBalance: SellerBalanceModel;
  ServiceHealth: ServiceHealth;
  Session: SessionModel;
  SignIn: SignInModel;
  StockLevel: StockLevelModel;
  StockMovement: StockMovementModel;
  StockMovementConnection: Omit<StockMovementConnection, 'edges'> & { edges: Array<ResolversParentTypes['StockMovementEdge']> };
  StockMovementEdge: Omit<StockMovementEdge, 'node'> & { node: ResolversParentTypes['StockMovement'] };
  Storefront: StorefrontModel;
  StorefrontConnection: Omit<StorefrontConnection, 'edges'> & { edges: Array<ResolversParentTypes['StorefrontEdge']> };
  StorefrontContact: StorefrontContact;
  StorefrontContactInput: StorefrontContactInput;
  StorefrontEdge: Omit<StorefrontEdge, 'node'> & { node: ResolversParentTypes['Storefront'] };
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  Tokens: TokensModel;
  UpdateCategoryInput: UpdateCategoryInput;
  UpdateProductInput: UpdateProductInput;
  UpdateProfileInput: UpdateProfileInput;
  UpdateStorefrontInput: UpdateStorefrontInput;
  UpdateVariantInput: UpdateVariantInput;
  Variant: VariantModel;
  VariantInput: VariantInput;
  VariantPayload: Omit<VariantPayload, 'product' | 'variant'> & { product: ResolversParentTypes['Product'], variant: ResolversParentTypes['Variant'] };
};

export type AccountResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  emailVerified?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type AddressResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = {
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  company?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  countryCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  defaultBilling?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  defaultShipping?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recipientName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AddressConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['AddressConnection'] = ResolversParentTypes['AddressConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AddressEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['AddressPageInfo'], ParentType, ContextType>;
};

export type AddressEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['AddressEdge'] = ResolversParentTypes['AddressEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
};

export type AddressPageInfoResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['AddressPageInfo'] = ResolversParentTypes['AddressPageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type CartResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Cart'] = ResolversParentTypes['Cart']> = {
  buyerId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['CartLine']>, ParentType, ContextType>;
  replayed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  totals?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  updatedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CartLineResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CartLine'] = ResolversParentTypes['CartLine']> = {
  addedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  enoughStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  image?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  lineTotal?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  mediaId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  options?: Resolver<Array<ResolversTypes['ProductOption']>, ParentType, ContextType>;
  priceChanged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  priceWhenAdded?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  productId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  purchasable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  storefront?: Resolver<Maybe<ResolversTypes['CartStorefront']>, ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  unitPrice?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type CartStorefrontResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CartStorefront'] = ResolversParentTypes['CartStorefront']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CategoryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Category'] = ResolversParentTypes['Category']> = {
  ancestorIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  breadcrumbs?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  children?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  depth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parent?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  parentId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CategoryStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CheckoutResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Checkout'] = ResolversParentTypes['Checkout']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  orders?: Resolver<Array<ResolversTypes['Order']>, ParentType, ContextType>;
  replayed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  totals?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
};

export type ContactAddressResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ContactAddress'] = ResolversParentTypes['ContactAddress']> = {
  address?: Resolver<ResolversTypes['PostalAddress'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CurrencyBalanceResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['CurrencyBalance'] = ResolversParentTypes['CurrencyBalance']> = {
  available?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inPayout?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DeviceResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Device'] = ResolversParentTypes['Device']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastSeenAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  platform?: Resolver<ResolversTypes['DevicePlatform'], ParentType, ContextType>;
};

export type GatewayHealthResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['GatewayHealth'] = ResolversParentTypes['GatewayHealth']> = {
  services?: Resolver<Array<ResolversTypes['ServiceHealth']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type GeoPointResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['GeoPoint'] = ResolversParentTypes['GeoPoint']> = {
  lat?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  lng?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type LedgerEntryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['LedgerEntry'] = ResolversParentTypes['LedgerEntry']> = {
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balanceAfter?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  commission?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  commissionBps?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  gross?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['LedgerEntryKind'], ParentType, ContextType>;
  orderId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  payoutId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type LedgerEntryConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['LedgerEntryConnection'] = ResolversParentTypes['LedgerEntryConnection']> = {
  edges?: Resolver<Array<ResolversTypes['LedgerEntryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type LedgerEntryEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['LedgerEntryEdge'] = ResolversParentTypes['LedgerEntryEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['LedgerEntry'], ParentType, ContextType>;
};

export type MarkNotificationsReadResultResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MarkNotificationsReadResult'] = ResolversParentTypes['MarkNotificationsReadResult']> = {
  marked?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unread?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type MeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Me'] = ResolversParentTypes['Me']> = {
  addresses?: Resolver<ResolversTypes['AddressConnection'], ParentType, ContextType, Partial<MeAddressesArgs>>;
  emailVerified?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  profile?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MediaResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Media'] = ResolversParentTypes['Media']> = {
  byteSize?: Resolver<ResolversTypes['SafeInt'], ParentType, ContextType>;
  contentType?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dominantColor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<Maybe<ResolversTypes['MediaKind']>, ParentType, ContextType>;
  placeholder?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  purpose?: Resolver<ResolversTypes['MediaPurpose'], ParentType, ContextType>;
  renditions?: Resolver<Array<ResolversTypes['MediaRendition']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MediaStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, RequireFields<MediaUrlArgs, 'format' | 'size'>>;
  video?: Resolver<Maybe<ResolversTypes['MediaVideo']>, ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type MediaConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MediaConnection'] = ResolversParentTypes['MediaConnection']> = {
  edges?: Resolver<Array<ResolversTypes['MediaEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type MediaEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MediaEdge'] = ResolversParentTypes['MediaEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Media'], ParentType, ContextType>;
};

export type MediaRenditionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MediaRendition'] = ResolversParentTypes['MediaRendition']> = {
  format?: Resolver<ResolversTypes['ImageFormat'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['ImageSize'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type MediaUploadResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MediaUpload'] = ResolversParentTypes['MediaUpload']> = {
  expiresAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  media?: Resolver<ResolversTypes['Media'], ParentType, ContextType>;
  uploadHeaders?: Resolver<Array<ResolversTypes['MediaUploadHeader']>, ParentType, ContextType>;
  uploadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MediaUploadHeaderResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MediaUploadHeader'] = ResolversParentTypes['MediaUploadHeader']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MediaVideoResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['MediaVideo'] = ResolversParentTypes['MediaVideo']> = {
  durationSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  hlsUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  renditionHeights?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amountMinor?: Resolver<ResolversTypes['SafeInt'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  formatted?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  acceptOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationAcceptOrderArgs, 'id'>>;
  addToCart?: Resolver<ResolversTypes['Cart'], ParentType, ContextType, RequireFields<MutationAddToCartArgs, 'quantity' | 'variantId'>>;
  addVariant?: Resolver<ResolversTypes['VariantPayload'], ParentType, ContextType, RequireFields<MutationAddVariantArgs, 'input' | 'productId'>>;
  adjustStock?: Resolver<ResolversTypes['StockLevel'], ParentType, ContextType, RequireFields<MutationAdjustStockArgs, 'quantity' | 'reason' | 'variantId'>>;
  cancelOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationCancelOrderArgs, 'id'>>;
  changePassword?: Resolver<ResolversTypes['Int'], ParentType, ContextType, RequireFields<MutationChangePasswordArgs, 'currentPassword' | 'newPassword'>>;
  checkout?: Resolver<ResolversTypes['Checkout'], ParentType, ContextType, RequireFields<MutationCheckoutArgs, 'idempotencyKey' | 'input'>>;
  clearCart?: Resolver<ResolversTypes['Cart'], ParentType, ContextType>;
  completeOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationCompleteOrderArgs, 'id'>>;
  completeUpload?: Resolver<ResolversTypes['Media'], ParentType, ContextType, RequireFields<MutationCompleteUploadArgs, 'id'>>;
  createAddress?: Resolver<ResolversTypes['Address'], ParentType, ContextType, RequireFields<MutationCreateAddressArgs, 'input'>>;
  createCategory?: Resolver<ResolversTypes['Category'], ParentType, ContextType, RequireFields<MutationCreateCategoryArgs, 'input'>>;
  createProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationCreateProductArgs, 'input'>>;
  createStorefront?: Resolver<ResolversTypes['Storefront'], ParentType, ContextType, RequireFields<MutationCreateStorefrontArgs, 'input'>>;
  createUpload?: Resolver<ResolversTypes['MediaUpload'], ParentType, ContextType, RequireFields<MutationCreateUploadArgs, 'input'>>;
  deleteAddress?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteAddressArgs, 'id'>>;
  deleteMedia?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteMediaArgs, 'id'>>;
  deleteVariant?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationDeleteVariantArgs, 'id'>>;
  followStorefront?: Resolver<ResolversTypes['Storefront'], ParentType, ContextType, RequireFields<MutationFollowStorefrontArgs, 'id'>>;
  login?: Resolver<ResolversTypes['SignIn'], ParentType, ContextType, RequireFields<MutationLoginArgs, 'email' | 'password'>>;
  logout?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  markNotificationsRead?: Resolver<ResolversTypes['MarkNotificationsReadResult'], ParentType, ContextType, Partial<MutationMarkNotificationsReadArgs>>;
  markOrderDelivered?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationMarkOrderDeliveredArgs, 'id'>>;
  markPayoutFailed?: Resolver<ResolversTypes['Payout'], ParentType, ContextType, RequireFields<MutationMarkPayoutFailedArgs, 'id' | 'reason'>>;
  markPayoutPaid?: Resolver<ResolversTypes['Payout'], ParentType, ContextType, RequireFields<MutationMarkPayoutPaidArgs, 'id'>>;
  refreshToken?: Resolver<ResolversTypes['Tokens'], ParentType, ContextType, RequireFields<MutationRefreshTokenArgs, 'refreshToken'>>;
  registerDeviceToken?: Resolver<ResolversTypes['Device'], ParentType, ContextType, RequireFields<MutationRegisterDeviceTokenArgs, 'platform' | 'token'>>;
  registerSeller?: Resolver<ResolversTypes['SignIn'], ParentType, ContextType, RequireFields<MutationRegisterSellerArgs, 'email' | 'password'>>;
  removeCartLine?: Resolver<ResolversTypes['Cart'], ParentType, ContextType, RequireFields<MutationRemoveCartLineArgs, 'variantId'>>;
  requestOtp?: Resolver<ResolversTypes['OtpChallenge'], ParentType, ContextType, RequireFields<MutationRequestOtpArgs, 'phone'>>;
  requestPasswordReset?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRequestPasswordResetArgs, 'email'>>;
  requestPayout?: Resolver<ResolversTypes['Payout'], ParentType, ContextType, RequireFields<MutationRequestPayoutArgs, 'currency'>>;
  requeueNotificationDeadLetter?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRequeueNotificationDeadLetterArgs, 'id'>>;
  resendVerificationEmail?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  resetPassword?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationResetPasswordArgs, 'newPassword' | 'token'>>;
  revokeOtherSessions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revokeSession?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRevokeSessionArgs, 'id'>>;
  rotateSigningKey?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<MutationRotateSigningKeyArgs, 'emergency'>>;
  setLowStockThreshold?: Resolver<ResolversTypes['StockLevel'], ParentType, ContextType, RequireFields<MutationSetLowStockThresholdArgs, 'variantId'>>;
  setStorefrontStatus?: Resolver<ResolversTypes['Storefront'], ParentType, ContextType, RequireFields<MutationSetStorefrontStatusArgs, 'id' | 'status'>>;
  shipOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationShipOrderArgs, 'id' | 'trackingNumber'>>;
  unfollowStorefront?: Resolver<ResolversTypes['Storefront'], ParentType, ContextType, RequireFields<MutationUnfollowStorefrontArgs, 'id'>>;
  unregisterDeviceToken?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, Partial<MutationUnregisterDeviceTokenArgs>>;
  unsubscribeNotifications?: Resolver<ResolversTypes['NotificationCategory'], ParentType, ContextType, RequireFields<MutationUnsubscribeNotificationsArgs, 'token'>>;
  updateAddress?: Resolver<ResolversTypes['Address'], ParentType, ContextType, RequireFields<MutationUpdateAddressArgs, 'id' | 'input'>>;
  updateCartLine?: Resolver<ResolversTypes['Cart'], ParentType, ContextType, RequireFields<MutationUpdateCartLineArgs, 'quantity' | 'variantId'>>;
  updateCategory?: Resolver<ResolversTypes['Category'], ParentType, ContextType, RequireFields<MutationUpdateCategoryArgs, 'id' | 'input'>>;
  updateNotificationPreferences?: Resolver<Array<ResolversTypes['NotificationPreference']>, ParentType, ContextType, RequireFields<MutationUpdateNotificationPreferencesArgs, 'preferences'>>;
  updateProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationUpdateProductArgs, 'id' | 'input'>>;
  updateProfile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType, RequireFields<MutationUpdateProfileArgs, 'input'>>;
  updateStorefront?: Resolver<ResolversTypes['Storefront'], ParentType, ContextType, RequireFields<MutationUpdateStorefrontArgs, 'id' | 'input'>>;
  updateVariant?: Resolver<ResolversTypes['VariantPayload'], ParentType, ContextType, RequireFields<MutationUpdateVariantArgs, 'id' | 'input'>>;
  verifyEmail?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationVerifyEmailArgs, 'token'>>;
  verifyOtp?: Resolver<ResolversTypes['SignIn'], ParentType, ContextType, RequireFields<MutationVerifyOtpArgs, 'code' | 'phone'>>;
};

export type NotificationResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Notification'] = ResolversParentTypes['Notification']> = {
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  category?: Resolver<ResolversTypes['NotificationCategory'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  data?: Resolver<Array<ResolversTypes['NotificationData']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NotificationConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NotificationConnection'] = ResolversParentTypes['NotificationConnection']> = {
  edges?: Resolver<Array<ResolversTypes['NotificationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type NotificationDataResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NotificationData'] = ResolversParentTypes['NotificationData']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NotificationDeadLetterResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NotificationDeadLetter'] = ResolversParentTypes['NotificationDeadLetter']> = {
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  channel?: Resolver<ResolversTypes['NotificationChannel'], ParentType, ContextType>;
  error?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recipientId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type NotificationEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NotificationEdge'] = ResolversParentTypes['NotificationEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Notification'], ParentType, ContextType>;
};

export type NotificationPreferenceResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NotificationPreference'] = ResolversParentTypes['NotificationPreference']> = {
  category?: Resolver<ResolversTypes['NotificationCategory'], ParentType, ContextType>;
  channel?: Resolver<ResolversTypes['NotificationChannel'], ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  locked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type OrderResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order']> = {
  buyerId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  carrier?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  checkoutId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['OrderTransition']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  snapshot?: Resolver<ResolversTypes['OrderSnapshot'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  storefront?: Resolver<Maybe<ResolversTypes['Storefront']>, ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  trackingNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type OrderConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = {
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type OrderEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
};

export type OrderLineResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderLine'] = ResolversParentTypes['OrderLine']> = {
  image?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  mediaId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  options?: Resolver<Array<ResolversTypes['ProductOption']>, ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type OrderSellerResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderSeller'] = ResolversParentTypes['OrderSeller']> = {
  address?: Resolver<ResolversTypes['PostalAddress'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type OrderSnapshotResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderSnapshot'] = ResolversParentTypes['OrderSnapshot']> = {
  billingAddress?: Resolver<ResolversTypes['ContactAddress'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['OrderLine']>, ParentType, ContextType>;
  note?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  seller?: Resolver<ResolversTypes['OrderSeller'], ParentType, ContextType>;
  shippingAddress?: Resolver<ResolversTypes['ContactAddress'], ParentType, ContextType>;
  subtotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type OrderStatusUpdateResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderStatusUpdate'] = ResolversParentTypes['OrderStatusUpdate']> = {
  carrier?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  changedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  previousStatus?: Resolver<Maybe<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  trackingNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type OrderTransitionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OrderTransition'] = ResolversParentTypes['OrderTransition']> = {
  actorId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
};

export type OtpChallengeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['OtpChallenge'] = ResolversParentTypes['OtpChallenge']> = {
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resendAfterSeconds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PayoutResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Payout'] = ResolversParentTypes['Payout']> = {
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  decidedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  decidedBy?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  providerReference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requestedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  requestedBy?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PayoutStatus'], ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type PayoutConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PayoutConnection'] = ResolversParentTypes['PayoutConnection']> = {
  edges?: Resolver<Array<ResolversTypes['PayoutEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type PayoutEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PayoutEdge'] = ResolversParentTypes['PayoutEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Payout'], ParentType, ContextType>;
};

export type PostalAddressResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PostalAddress'] = ResolversParentTypes['PostalAddress']> = {
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  countryCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PriceRangeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PriceRange'] = ResolversParentTypes['PriceRange']> = {
  max?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  min?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type ProductResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = {
  attributes?: Resolver<Array<ResolversTypes['ProductAttribute']>, ParentType, ContextType>;
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  categoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  image?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  media?: Resolver<Array<ResolversTypes['Media']>, ParentType, ContextType>;
  mediaIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  optionNames?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  priceRange?: Resolver<Maybe<ResolversTypes['PriceRange']>, ParentType, ContextType>;
  publishedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ProductStatus'], ParentType, ContextType>;
  storefront?: Resolver<Maybe<ResolversTypes['Storefront']>, ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['Variant']>, ParentType, ContextType>;
};

export type ProductAttributeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductAttribute'] = ResolversParentTypes['ProductAttribute']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ProductConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductConnection'] = ResolversParentTypes['ProductConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ProductEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type ProductEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductEdge'] = ResolversParentTypes['ProductEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
};

export type ProductHitResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductHit'] = ResolversParentTypes['ProductHit']> = {
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  categoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  compareAtPrice?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  distanceMeters?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  image?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  inStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  mediaId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  priceRange?: Resolver<ResolversTypes['PriceRange'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  publishedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  relevance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  storefront?: Resolver<Maybe<ResolversTypes['Storefront']>, ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  storefrontName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ProductHitEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductHitEdge'] = ResolversParentTypes['ProductHitEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  distanceMeters?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ProductHit'], ParentType, ContextType>;
};

export type ProductOptionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductOption'] = ResolversParentTypes['ProductOption']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ProductSearchConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductSearchConnection'] = ResolversParentTypes['ProductSearchConnection']> = {
  correctedQuery?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  edges?: Resolver<Array<ResolversTypes['ProductHitEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type ProfileResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Profile'] = ResolversParentTypes['Profile']> = {
  avatar?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  avatarMediaId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  displayName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  locale?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  address?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType, RequireFields<QueryAddressArgs, 'id'>>;
  balance?: Resolver<ResolversTypes['SellerBalance'], ParentType, ContextType, Partial<QueryBalanceArgs>>;
  cart?: Resolver<ResolversTypes['Cart'], ParentType, ContextType>;
  categories?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType, RequireFields<QueryCategoriesArgs, 'includeArchived'>>;
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType, Partial<QueryCategoryArgs>>;
  deviceTokens?: Resolver<Array<ResolversTypes['Device']>, ParentType, ContextType>;
  followedStorefronts?: Resolver<ResolversTypes['StorefrontConnection'], ParentType, ContextType, Partial<QueryFollowedStorefrontsArgs>>;
  health?: Resolver<ResolversTypes['GatewayHealth'], ParentType, ContextType>;
  ledgerEntries?: Resolver<ResolversTypes['LedgerEntryConnection'], ParentType, ContextType, Partial<QueryLedgerEntriesArgs>>;
  me?: Resolver<Maybe<ResolversTypes['Me']>, ParentType, ContextType>;
  media?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType, RequireFields<QueryMediaArgs, 'id'>>;
  myMedia?: Resolver<ResolversTypes['MediaConnection'], ParentType, ContextType, Partial<QueryMyMediaArgs>>;
  myStorefront?: Resolver<Maybe<ResolversTypes['Storefront']>, ParentType, ContextType>;
  notificationDeadLetters?: Resolver<Array<ResolversTypes['NotificationDeadLetter']>, ParentType, ContextType, Partial<QueryNotificationDeadLettersArgs>>;
  notificationPreferences?: Resolver<Array<ResolversTypes['NotificationPreference']>, ParentType, ContextType>;
  notifications?: Resolver<ResolversTypes['NotificationConnection'], ParentType, ContextType, Partial<QueryNotificationsArgs>>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderArgs, 'id'>>;
  orders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, Partial<QueryOrdersArgs>>;
  payouts?: Resolver<ResolversTypes['PayoutConnection'], ParentType, ContextType, Partial<QueryPayoutsArgs>>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType, RequireFields<QueryProductArgs, 'id'>>;
  products?: Resolver<ResolversTypes['ProductSearchConnection'], ParentType, ContextType, Partial<QueryProductsArgs>>;
  search?: Resolver<ResolversTypes['ProductSearchConnection'], ParentType, ContextType, Partial<QuerySearchArgs>>;
  sellerOrders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, Partial<QuerySellerOrdersArgs>>;
  sessions?: Resolver<Array<ResolversTypes['Session']>, ParentType, ContextType>;
  stock?: Resolver<Array<ResolversTypes['StockLevel']>, ParentType, ContextType, RequireFields<QueryStockArgs, 'variantIds'>>;
  stockMovements?: Resolver<ResolversTypes['StockMovementConnection'], ParentType, ContextType, RequireFields<QueryStockMovementsArgs, 'variantId'>>;
  storefront?: Resolver<Maybe<ResolversTypes['Storefront']>, ParentType, ContextType, Partial<QueryStorefrontArgs>>;
  storefronts?: Resolver<ResolversTypes['StorefrontConnection'], ParentType, ContextType, Partial<QueryStorefrontsArgs>>;
  unreadNotificationCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export interface SafeIntScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['SafeInt'], any> {
  name: 'SafeInt';
}

export type SellerBalanceResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SellerBalance'] = ResolversParentTypes['SellerBalance']> = {
  balances?: Resolver<Array<ResolversTypes['CurrencyBalance']>, ParentType, ContextType>;
  storefrontId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ServiceHealthResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ServiceHealth'] = ResolversParentTypes['ServiceHealth']> = {
  circuit?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  degraded?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  latencyMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SessionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Session'] = ResolversParentTypes['Session']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  current?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  ip?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastUsedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  userAgent?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SignInResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SignIn'] = ResolversParentTypes['SignIn']> = {
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  tokens?: Resolver<ResolversTypes['Tokens'], ParentType, ContextType>;
};

export type StockLevelResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StockLevel'] = ResolversParentTypes['StockLevel']> = {
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  low?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  lowStockThreshold?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  onHand?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reserved?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type StockMovementResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StockMovement'] = ResolversParentTypes['StockMovement']> = {
  actorId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  note?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  onHandAfter?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['StockMovementReason'], ParentType, ContextType>;
  reservationId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  variantId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type StockMovementConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StockMovementConnection'] = ResolversParentTypes['StockMovementConnection']> = {
  edges?: Resolver<Array<ResolversTypes['StockMovementEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type StockMovementEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StockMovementEdge'] = ResolversParentTypes['StockMovementEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['StockMovement'], ParentType, ContextType>;
};

export type StorefrontResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Storefront'] = ResolversParentTypes['Storefront']> = {
  address?: Resolver<ResolversTypes['PostalAddress'], ParentType, ContextType>;
  banner?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  bannerMediaId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  contact?: Resolver<ResolversTypes['StorefrontContact'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  distanceMeters?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  followedByMe?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  followerCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  location?: Resolver<ResolversTypes['GeoPoint'], ParentType, ContextType>;
  logo?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  logoMediaId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ownerId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, Partial<StorefrontProductsArgs>>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['StorefrontStatus'], ParentType, ContextType>;
  statusReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StorefrontConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StorefrontConnection'] = ResolversParentTypes['StorefrontConnection']> = {
  edges?: Resolver<Array<ResolversTypes['StorefrontEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type StorefrontContactResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StorefrontContact'] = ResolversParentTypes['StorefrontContact']> = {
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  website?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type StorefrontEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['StorefrontEdge'] = ResolversParentTypes['StorefrontEdge']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  distanceMeters?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Storefront'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  notificationReceived?: SubscriptionResolver<ResolversTypes['Notification'], "notificationReceived", ParentType, ContextType>;
  orderStatusChanged?: SubscriptionResolver<ResolversTypes['OrderStatusUpdate'], "orderStatusChanged", ParentType, ContextType>;
};

export type TokensResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Tokens'] = ResolversParentTypes['Tokens']> = {
  accessToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  accessTokenExpiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  refreshTokenExpiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  tokenType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type VariantResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Variant'] = ResolversParentTypes['Variant']> = {
  compareAtPrice?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  options?: Resolver<Array<ResolversTypes['ProductOption']>, ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type VariantPayloadResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['VariantPayload'] = ResolversParentTypes['VariantPayload']> = {
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  variant?: Resolver<ResolversTypes['Variant'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphqlContext> = {
  Account?: AccountResolvers<ContextType>;
  Address?: AddressResolvers<ContextType>;
  AddressConnection?: AddressConnectionResolvers<ContextType>;
  AddressEdge?: AddressEdgeResolvers<ContextType>;
  AddressPageInfo?: AddressPageInfoResolvers<ContextType>;
  Cart?: CartResolvers<ContextType>;
  CartLine?: CartLineResolvers<ContextType>;
  CartStorefront?: CartStorefrontResolvers<ContextType>;
  Category?: CategoryResolvers<ContextType>;
  Checkout?: CheckoutResolvers<ContextType>;
  ContactAddress?: ContactAddressResolvers<ContextType>;
  CurrencyBalance?: CurrencyBalanceResolvers<ContextType>;
  Device?: DeviceResolvers<ContextType>;
  GatewayHealth?: GatewayHealthResolvers<ContextType>;
  GeoPoint?: GeoPointResolvers<ContextType>;
  LedgerEntry?: LedgerEntryResolvers<ContextType>;
  LedgerEntryConnection?: LedgerEntryConnectionResolvers<ContextType>;
  LedgerEntryEdge?: LedgerEntryEdgeResolvers<ContextType>;
  MarkNotificationsReadResult?: MarkNotificationsReadResultResolvers<ContextType>;
  Me?: MeResolvers<ContextType>;
  Media?: MediaResolvers<ContextType>;
  MediaConnection?: MediaConnectionResolvers<ContextType>;
  MediaEdge?: MediaEdgeResolvers<ContextType>;
  MediaRendition?: MediaRenditionResolvers<ContextType>;
  MediaUpload?: MediaUploadResolvers<ContextType>;
  MediaUploadHeader?: MediaUploadHeaderResolvers<ContextType>;
  MediaVideo?: MediaVideoResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Notification?: NotificationResolvers<ContextType>;
  NotificationConnection?: NotificationConnectionResolvers<ContextType>;
  NotificationData?: NotificationDataResolvers<ContextType>;
  NotificationDeadLetter?: NotificationDeadLetterResolvers<ContextType>;
  NotificationEdge?: NotificationEdgeResolvers<ContextType>;
  NotificationPreference?: NotificationPreferenceResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderLine?: OrderLineResolvers<ContextType>;
  OrderSeller?: OrderSellerResolvers<ContextType>;
  OrderSnapshot?: OrderSnapshotResolvers<ContextType>;
  OrderStatusUpdate?: OrderStatusUpdateResolvers<ContextType>;
  OrderTransition?: OrderTransitionResolvers<ContextType>;
  OtpChallenge?: OtpChallengeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Payout?: PayoutResolvers<ContextType>;
  PayoutConnection?: PayoutConnectionResolvers<ContextType>;
  PayoutEdge?: PayoutEdgeResolvers<ContextType>;
  PostalAddress?: PostalAddressResolvers<ContextType>;
  PriceRange?: PriceRangeResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductAttribute?: ProductAttributeResolvers<ContextType>;
  ProductConnection?: ProductConnectionResolvers<ContextType>;
  ProductEdge?: ProductEdgeResolvers<ContextType>;
  ProductHit?: ProductHitResolvers<ContextType>;
  ProductHitEdge?: ProductHitEdgeResolvers<ContextType>;
  ProductOption?: ProductOptionResolvers<ContextType>;
  ProductSearchConnection?: ProductSearchConnectionResolvers<ContextType>;
  Profile?: ProfileResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SafeInt?: GraphQLScalarType;
  SellerBalance?: SellerBalanceResolvers<ContextType>;
  ServiceHealth?: ServiceHealthResolvers<ContextType>;
  Session?: SessionResolvers<ContextType>;
  SignIn?: SignInResolvers<ContextType>;
  StockLevel?: StockLevelResolvers<ContextType>;
  StockMovement?: StockMovementResolvers<ContextType>;
  StockMovementConnection?: StockMovementConnectionResolvers<ContextType>;
  StockMovementEdge?: StockMovementEdgeResolvers<ContextType>;
  Storefront?: StorefrontResolvers<ContextType>;
  StorefrontConnection?: StorefrontConnectionResolvers<ContextType>;
  StorefrontContact?: StorefrontContactResolvers<ContextType>;
  StorefrontEdge?: StorefrontEdgeResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Tokens?: TokensResolvers<ContextType>;
  Variant?: VariantResolvers<ContextType>;
  VariantPayload?: VariantPayloadResolvers<ContextType>;
};

