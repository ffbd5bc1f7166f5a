import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { eventSubjects } from "@mercato/contracts/events";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { ProfileCreatedSchema, ProfileSchema } from "@mercato/contracts/mercato/users/v1/users_pb";
import { notificationsService, UnsubscribeTokens } from "@mercato/notifications";
import {
  createLogger,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  parseConfig,
  type RunningService,
  startService,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { capturedLogs, type LogLine, waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll } from "vitest";
import { createGateway, type Gateway } from "../src/app.js";
import { gatewayConfigSchema } from "../src/config.js";
import { notificationsGatewayModule } from "../src/modules/notifications/index.js";
import { injectors, issuerAuthenticator, signedIn, type User } from "./module-harness.js";

/** The one type the notifications SDL borrows from the catalog modules. */
/** The key the service signs unsubscribe links with in these tests. */
const unsubscribeSecret = "test-unsubscribe-secret-of-32-characters";

const pageInfoModule = {
  name: "page-info",
  schema: /* GraphQL */ `
    type PageInfo {
      hasNextPage: Boolean!
      endCursor: String
    }
  `,
};

/** The one type the notifications SDL borrows from the orders module (order status updates). */
const orderStatusModule = {
  name: "order-status",
  schema: /* GraphQL */ `
    enum OrderStatus {
      PLACED
      ACCEPTED
      SHIPPED
      DELIVERED
      COMPLETED
      CANCELLED
    }
  `,
};

/**
 * The real notifications service on PGlite behind a gateway with the notifications module, for the
 * tests of a `describe` (started before them, stopped after). The gateway logs everything, kept in
 * `gatewayLogs`, so that a test can check what never reaches a log line.
 */
export function notificationsFixture() {
  let pglite: PgliteHost;
  let issuer: TestIssuer;
  let bus: MemoryEventBus;
  let kv: MemoryKeyValue;
  let outboxDir: string;
  let notifications: RunningService;
  let gateway: Gateway;
  let authenticate: ReturnType<typeof issuerAuthenticator>;
  const replicas: Gateway[] = [];
  const { logger, lines: gatewayLogs } = capturedLogs("gateway", "trace");

  beforeAll(async () => {
    pglite = await PgliteHost.open({ postgis: false });
    issuer = await createTestIssuer();
    bus = new MemoryEventBus();
    kv = new MemoryKeyValue();
    // E-mail and push without a provider go to the local outbox.
    outboxDir = await mkdtemp(join(tmpdir(), "gateway-notifications-"));
    authenticate = issuerAuthenticator(issuer);
    notifications = await startService(
      notificationsService,
      {
        database: (name) => pglite.forService(name),
        bus,
        kv,
        logger: (name) => createLogger({ service: name, level: "silent" }),
        env: { NODE_ENV: "test", OUTBOX_DIR: outboxDir, UNSUBSCRIBE_SECRET: unsubscribeSecret },
        authenticate,
      },
      { host: "127.0.0.1", port: 0 },
    );
    gateway = await startGateway(logger);
  });

  /** A gateway with the notifications module in front of the service, taking live updates from the bus. */
  const startGateway = async (log = logger, env: Record<string, string> = {}) => {
    const started = await createGateway({
      config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "2000", ...env }),
      services: [{ name: "notifications", url: notifications.url }],
      // The inbox's GraphQL connection uses PageInfo, which the catalog modules define.
      modules: [notificationsGatewayModule(), pageInfoModule, orderStatusModule],
      logger: log,
      authenticate,
      events: bus,
    });
    await started.app.ready();
    return started;
  };

  afterAll(async () => {
    for (const replica of replicas.splice(0)) await replica.app.close();
    await gateway?.app.close();
    await notifications?.stop();
    await bus?.close();
    await kv?.close();
    await issuer?.close();
    await pglite?.close();
    if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
  });

  const { rest, graphql } = injectors(() => gateway);

  /** A GraphQL answer's body. */
  const gql = async (query: string, variables: Record<string, unknown>, user?: User) =>
    (await graphql(query, variables, user)).json();

  /** Publishes what another service's outbox relay would. */
  const publish = <Desc extends Parameters<typeof eventEnvelope>[1]>(
    event: { subject: string; schema: Desc },
    message: Parameters<typeof eventEnvelope<Desc>>[2],
  ) => bus.publish(eventEnvelope(event.subject, event.schema, message));

  /** A signed-in user whose profile the service knows, with `shipped` orders' notifications in the inbox. */
  const signIn = async (options: { shipped?: number; roles?: string[] } = {}): Promise<User> => {
    const user = await signedIn(issuer, { roles: options.roles ?? ["buyer"] });
    const profile = create(ProfileSchema, { userId: user.id, displayName: "Ada", locale: "en" });
    await publish(eventSubjects.users.profileCreated, create(ProfileCreatedSchema, { profile }));
    const shipped = options.shipped ?? 0;
    for (let i = 0; i < shipped; i++) {
      const event = create(OrderStatusChangedSchema, {
        orderId: uuidv7(),
        checkoutId: uuidv7(),
        buyerId: user.id,
        storefrontId: uuidv7(),
        sellerOwnerId: uuidv7(),
        status: "shipped",
        previousStatus: "accepted",
        actorId: uuidv7(),
        carrier: "DHL",
        trackingNumber: `TRACK-${i}`,
      });
      await publish(eventSubjects.orders.orderShipped, event);
    }
    if (shipped > 0)
      await waitFor(
        async () => (await rest("GET", "/notifications/unread-count", user)).json().unread === shipped,
        { message: "the notifications were not created" },
      );
    return user;
  };

  return {
    rest,
    graphql,
    gql,
    signIn,
    publish,
    gateway: () => gateway,
    /** Another gateway replica on the same bus and service, closed after the tests. */
    replica: async (env: Record<string, string> = {}) => {
      const started = await startGateway(createLogger({ service: "gateway", level: "silent" }), env);
      replicas.push(started);
      return started;
    },
    /** A gateway with no bus: subscriptions answer that live updates are off. */
    withoutBus: async () => {
      const started = await createGateway({
        config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test" }),
        services: [{ name: "notifications", url: notifications.url }],
        modules: [notificationsGatewayModule(), pageInfoModule, orderStatusModule],
        logger: createLogger({ service: "gateway", level: "silent" }),
        authenticate,
      });
      replicas.push(started);
      return started;
    },
    /** A signed-in user the service does not need to know (say, a seller receiving order updates). */
    user: (roles: string[] = ["buyer"]) => signedIn(issuer, { roles }),
    /** A signed-in buyer whose token expires in `seconds`. */
    shortLived: async (seconds: number) => {
      const id = uuidv7();
      const token = await issuer.sign(
        { sub: id, roles: ["buyer"], email_verified: true },
        { expiresIn: seconds },
      );
      return { id, token, headers: { authorization: `Bearer ${token}` } };
    },
    gatewayLogs: gatewayLogs as readonly LogLine[],
    /** The token of an unsubscribe link the service would put in `userId`'s e-mail of `category`. */
    unsubscribeToken: (userId: string, category: "marketing" | "low_stock" | "follows") =>
      new UnsubscribeTokens(unsubscribeSecret).sign(userId, category),
    /** A push token for a test device: recognisable, so that no answer or log line may carry it. */
    pushToken: () => `fcm-${uuidv7()}-secret`,
  };
}
