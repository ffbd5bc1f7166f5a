import {
  type JobQueue,
  type Mailer,
  PermanentJobError,
  type PushPlatform,
  type PushSender,
} from "@mercato/platform";
import type { Logger } from "pino";
import type { Deliveries } from "./store/deliveries.store.js";
import type { Devices } from "./store/devices.store.js";
import type { DeliveryContent } from "./store/schema.js";

/** What a delivery job carries: the delivery's id; its content is in the database. */
export interface DeliveryJob {
  deliveryId: string;
}

/** Tries of one delivery before it is a dead letter. */
export const deliveryAttempts = 5;

/**
 * Sends queued deliveries: each job names a delivery, which is sent once (a job that finds it sent
 * or given up does nothing), retried by the queue with backoff while its channel's provider is
 * unavailable, and recorded `failed` on its last attempt (a dead letter an admin can requeue). A
 * push token the provider calls dead is deleted, and its delivery dropped.
 */
export class Dispatcher {
  constructor(
    private readonly deps: {
      deliveries: Deliveries;
      devices: Devices;
      mailer: Mailer;
      push: PushSender;
      logger: Logger;
      queues: () => { email: JobQueue<DeliveryJob>; push: JobQueue<DeliveryJob> };
    },
  ) {}

  /** One attempt of a delivery job (the queue's handler). */
  async handle(job: { id: string; data: DeliveryJob; attempt: number }): Promise<void> {
    const { deliveries } = this.deps;
    const delivery = await deliveries.get(job.data.deliveryId);
    if (delivery?.status !== "queued") return;
    try {
      const status = await this.send(delivery.content);
      await deliveries.settle(delivery.id, status, job.attempt);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const last = job.attempt >= deliveryAttempts || error instanceof PermanentJobError;
      await deliveries.settle(delivery.id, last ? "failed" : "queued", job.attempt, message);
      if (last)
        this.deps.logger.warn(
          { deliveryId: delivery.id, channel: delivery.channel, kind: delivery.kind, error: message },
          "delivery failed every attempt; kept as a dead letter",
        );
      throw error;
    }
  }

  private async send(content: DeliveryContent): Promise<"sent" | "dropped"> {
    if (content.channel === "email") {
      await this.deps.mailer.send({
        to: content.to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        ...(content.headers ? { headers: content.headers } : {}),
      });
      return "sent";
    }
    const device = await this.deps.devices.get(content.deviceId);
    if (!device) return "dropped"; // unregistered since
    const [outcome] = await this.deps.push.send([
      {
        token: device.token,
        platform: device.platform as PushPlatform,
        title: content.title,
        body: content.body,
        data: content.data,
      },
    ]);
    switch (outcome?.outcome) {
      case "sent":
        return "sent";
      case "dead":
        await this.deps.devices.drop(device.id);
        this.deps.logger.info(
          { deviceId: device.id, detail: outcome.detail },
          "push token is gone; forgotten",
        );
        return "dropped";
      case "unsupported":
        this.deps.logger.warn(
          { deviceId: device.id, detail: outcome.detail },
          "push cannot be sent to this device",
        );
        return "dropped";
      default:
        throw new Error(`push provider unavailable: ${outcome?.detail ?? "no answer"}`);
    }
  }

  /** Queues a delivery's job; a job already queued under its id is left as it is. */
  async enqueue(deliveryId: string, channel: "email" | "push"): Promise<void> {
    await this.deps.queues()[channel].add(deliveryId, { deliveryId });
  }

  /** Sends a dead letter again with fresh attempts; false when it is not failed. */
  async requeue(deliveryId: string): Promise<boolean> {
    const delivery = await this.deps.deliveries.get(deliveryId);
    if (!delivery || !(await this.deps.deliveries.reopen(deliveryId))) return false;
    const queue = this.deps.queues()[delivery.channel as "email" | "push"];
    if (!(await queue.requeue(deliveryId))) await queue.add(deliveryId, { deliveryId });
    return true;
  }

  /**
   * Queues again deliveries left queued for `olderThanMs` whose job is gone (the in-process queue
   * forgets its jobs on a restart; a Redis that lost its data does too). Adding an id the queue still
   * holds does nothing, so this is safe while the job waits in its backoff.
   */
  async sweep(olderThanMs: number, limit = 100): Promise<number> {
    const ids = await this.deps.deliveries.stale(olderThanMs, limit);
    for (const id of ids) {
      const delivery = await this.deps.deliveries.get(id);
      if (!delivery) continue;
      await this.deps.deliveries.touch(id);
      await this.enqueue(id, delivery.channel as "email" | "push");
    }
    return ids.length;
  }
}
