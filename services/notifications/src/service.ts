import { join, resolve } from "node:path";
import { NotificationsService } from "@mercato/contracts/mercato/notifications/v1/notifications_pb";
import { createMailer, createPushSender, defineService, loadSqlMigrations } from "@mercato/platform";
import { type NotificationsConfig, notificationsConfigSchema } from "./config.js";
import { type DeliveryJob, Dispatcher, deliveryAttempts } from "./delivery.workflow.js";
import type { Category } from "./domain/preferences.js";
import { UnsubscribeTokens } from "./domain/unsubscribe.js";
import { orderConsumers } from "./events/order.consumers.js";
import { securityConsumers } from "./events/security.consumers.js";
import { sellerConsumers } from "./events/seller.consumers.js";
import { MarketingDigest } from "./marketing.workflow.js";
import { Notifier } from "./notify.workflow.js";
import { notificationsRoutes } from "./rpc/notifications.rpc.js";
import { Deliveries } from "./store/deliveries.store.js";
import { Devices } from "./store/devices.store.js";
import { Inbox } from "./store/inbox.store.js";
import { Preferences } from "./store/preferences.store.js";
import { unsubscribeKey } from "./store/settings.store.js";

/**
 * The notifications service (port 9007): tells buyers and sellers what happened to their orders,
 * stock, payouts and storefronts by e-mail, push and in-app, as each chose (ADR 0038).
 */
export const notificationsService = defineService<NotificationsConfig>({
  name: "notifications",
  defaultPort: 9007,
  rpcServices: [NotificationsService.typeName],
  config: notificationsConfigSchema,
  migrations: () => loadSqlMigrations(join(import.meta.dirname, "store/migrations")),
  async setup(runtime) {
    const { config, database, logger } = runtime;
    const outboxDir = resolve(config.OUTBOX_DIR ?? join(config.DATA_DIR, "outbox"));
    const print = (line: string) => void process.stdout.write(`[outbox] ${line}\n`);
    const mailer = createMailer({
      ...(config.SMTP_URL ? { smtpUrl: config.SMTP_URL } : {}),
      outboxDir,
      from: config.MAIL_FROM,
      print,
    });
    const push = createPushSender({
      fcmCredentials: config.FCM_CREDENTIALS,
      fcm: { baseUrl: config.FCM_BASE_URL },
      webPush:
        config.WEB_PUSH_PUBLIC_KEY && config.WEB_PUSH_PRIVATE_KEY
          ? {
              vapid: {
                publicKey: config.WEB_PUSH_PUBLIC_KEY,
                privateKey: config.WEB_PUSH_PRIVATE_KEY,
                subject: config.WEB_PUSH_SUBJECT,
              },
            }
          : undefined,
      outboxDir,
      print,
    });
    const inbox = new Inbox(database);
    const preferences = new Preferences(database);
    const devices = new Devices(database);
    const deliveries = new Deliveries(database);
    const dispatcher: Dispatcher = new Dispatcher({
      deliveries,
      devices,
      mailer,
      push,
      logger,
      queues: () => queues,
    });
    const queue = (channel: "email" | "push", perSecond: number) =>
      runtime.jobQueue<DeliveryJob>({
        name: `notifications-${channel}`,
        handler: (job) => dispatcher.handle(job),
        attempts: deliveryAttempts,
        backoffMs: config.DELIVERY_BACKOFF_MS,
        concurrency: 8,
        limiter: { max: perSecond, durationMs: 1_000 },
      });
    const queues = {
      email: queue("email", config.EMAIL_RATE_PER_SECOND),
      push: queue("push", config.PUSH_RATE_PER_SECOND),
    };
    const tokens = new UnsubscribeTokens(config.UNSUBSCRIBE_SECRET ?? (await unsubscribeKey(database)));
    const unsubscribeUrl = (userId: string, category: Category) =>
      `${config.PUBLIC_URL.replace(/\/$/, "")}/api/v1/notifications/unsubscribe?token=${tokens.sign(userId, category)}`;
    const notifier = new Notifier({
      unsubscribeUrl,
      inbox,
      preferences,
      devices,
      deliveries,
      outbox: runtime.outbox,
      // After commit: a queue that is down leaves the delivery queued, for the sweep.
      enqueue: (id, channel) =>
        void dispatcher
          .enqueue(id, channel)
          .catch((error: unknown) =>
            logger.warn({ deliveryId: id, error: String(error) }, "delivery not queued yet"),
          ),
    });
    const marketingDigest = new MarketingDigest({ database, notifier, gapMs: config.MARKETING_GAP_MS });
    return {
      rpc: (router) =>
        notificationsRoutes(router, { inbox, preferences, devices, deliveries, dispatcher, tokens }),
      consumers: [...orderConsumers(notifier), ...sellerConsumers(notifier), ...securityConsumers(notifier)],
      readiness: [
        // Deliveries wait in the database while the queue is away: degraded, not down.
        { name: "queue", check: () => queues.email.ping(), required: false },
      ],
      async start() {
        await queues.email.start();
        await queues.push.start();
        const sweep = setInterval(
          () =>
            void dispatcher
              .sweep(config.DELIVERY_SWEEP_AFTER_MS)
              .catch((error: unknown) => logger.warn({ error: String(error) }, "delivery sweep failed")),
          Math.min(config.DELIVERY_SWEEP_AFTER_MS, 60_000),
        );
        sweep.unref();
        const digest = setInterval(
          () =>
            void marketingDigest
              .send()
              .catch((error: unknown) => logger.warn({ error: String(error) }, "marketing digest failed")),
          config.MARKETING_BATCH_MS,
        );
        digest.unref();
        return async () => {
          clearInterval(sweep);
          clearInterval(digest);
        };
      },
      async close() {
        await queues.email.close();
        await queues.push.close();
        await push.close();
        await mailer.close();
      },
    };
  },
});
