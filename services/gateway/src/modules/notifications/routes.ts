import { NotFound } from "@mercato/platform/errors";
import { Type } from "typebox";
import type { RestApp } from "../../domain.js";
import { IdParams, ref, restPage, restPageOf } from "../../rest-schema.js";
import { clientField, renamingFields } from "../catalog-common.js";
import type { NotificationsOperations } from "./operations.js";
import {
  DeadLetterList,
  DeadLetterQuery,
  Device,
  DeviceBody,
  DeviceList,
  MarkReadBody,
  MarkReadResult,
  NotificationPage,
  NotificationQuery,
  PreferenceList,
  PreferencesBody,
  UnreadCount,
  Unsubscribed,
  UnsubscribeQuery,
} from "./schemas.js";

const body = clientField("body");
const query = clientField("querystring");
const params = clientField("params");

const noContent = (description: string) => Type.Unsafe<undefined>({ type: "null", description });

/** REST under /api/v1/notifications: each route declares its operation's access and calls it. */
export function notificationsRoutes(app: RestApp, ops: NotificationsOperations): void {
  app.get(
    "/notifications",
    {
      config: { access: ops.list.access },
      schema: {
        summary: "One page of the caller's in-app notifications, newest first",
        querystring: NotificationQuery,
        response: { 200: ref(NotificationPage) },
      },
    },
    (request) => {
      const input = { ...restPage(request.query), unreadOnly: request.query.unreadOnly === true };
      return restPageOf(renamingFields(ops.list(request.ctx, input), query));
    },
  );

  app.get(
    "/notifications/unread-count",
    {
      config: { access: ops.unreadCount.access },
      schema: {
        summary: "How many of the caller's notifications are unread",
        response: { 200: ref(UnreadCount) },
      },
    },
    (request) => ops.unreadCount(request.ctx, {}),
  );

  // RFC 8058: mail clients POST the link with `List-Unsubscribe=One-Click`; the token is in the
  // query. No GET: a link scanner following it must not unsubscribe anyone.
  app.post(
    "/notifications/unsubscribe",
    {
      config: { access: ops.unsubscribe.access },
      schema: {
        summary: "Turn one category's e-mail off, from an e-mail's one-click unsubscribe link (no sign-in)",
        querystring: UnsubscribeQuery,
        response: { 200: ref(Unsubscribed) },
      },
    },
    (request) => renamingFields(ops.unsubscribe(request.ctx, request.query), query),
  );

  app.post(
    "/notifications/read",
    {
      config: { access: ops.markRead.access },
      schema: {
        summary: "Mark the named notifications of the caller read, or all of them",
        body: MarkReadBody,
        response: { 200: ref(MarkReadResult) },
      },
    },
    (request) => renamingFields(ops.markRead(request.ctx, request.body), body),
  );

  app.get(
    "/notifications/preferences",
    {
      config: { access: ops.preferences.access },
      schema: {
        summary: "Every category on every channel, as the caller chose or by default",
        response: { 200: ref(PreferenceList) },
      },
    },
    async (request) => ({ preferences: await ops.preferences(request.ctx, {}) }),
  );

  app.put(
    "/notifications/preferences",
    {
      config: { access: ops.updatePreferences.access },
      schema: {
        summary:
          "Change the given settings and answer every setting; transactional and security e-mail cannot be turned off",
        body: PreferencesBody,
        response: { 200: ref(PreferenceList) },
      },
    },
    async (request) => ({
      preferences: await renamingFields(ops.updatePreferences(request.ctx, request.body), body),
    }),
  );

  app.get(
    "/notifications/devices",
    {
      config: { access: ops.devices.access },
      schema: {
        summary: "The caller's push devices, most recently seen first (never their tokens)",
        response: { 200: ref(DeviceList) },
      },
    },
    async (request) => ({ items: await ops.devices(request.ctx, {}) }),
  );

  app.post(
    "/notifications/devices",
    {
      config: { access: ops.registerDevice.access },
      schema: {
        summary:
          "Record a push token of the caller's device; registering it again refreshes it (at most 10 per user)",
        body: DeviceBody,
        response: { 201: ref(Device) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.registerDevice(request.ctx, request.body), body)),
  );

  app.delete(
    "/notifications/devices/:id",
    {
      config: { access: ops.unregisterDevice.access },
      schema: {
        summary: "Forget one of the caller's push devices; 404 for any other",
        params: IdParams,
        response: { 204: noContent("Forgotten") },
      },
    },
    async (request, reply) => {
      const removed = await renamingFields(ops.unregisterDevice(request.ctx, request.params), params);
      if (!removed) throw new NotFound(`device ${request.params.id} not found`);
      return reply.status(204).send();
    },
  );

  app.get(
    "/notifications/dead-letters",
    {
      config: { access: ops.deadLetters.access },
      schema: {
        summary: "Deliveries that failed every attempt, newest first (admins)",
        querystring: DeadLetterQuery,
        response: { 200: ref(DeadLetterList) },
      },
    },
    async (request) => ({
      items: await renamingFields(ops.deadLetters(request.ctx, { limit: request.query.limit ?? 50 }), query),
    }),
  );

  app.post(
    "/notifications/dead-letters/:id/requeue",
    {
      config: { access: ops.requeueDeadLetter.access },
      schema: {
        summary: "Send a dead-lettered delivery again with fresh attempts (admins); 422 when it is not one",
        params: IdParams,
        response: { 204: noContent("Queued again") },
      },
    },
    async (request, reply) => {
      await renamingFields(ops.requeueDeadLetter(request.ctx, request.params), params);
      return reply.status(204).send();
    },
  );
}
