import { v7 as uuidv7 } from "uuid";
import { describe, expect, it } from "vitest";
import { notificationsFixture } from "./notifications-fixture.js";

describe("notifications gateway module in front of the notifications service", () => {
  const { rest, graphql, gql, signIn, gateway, gatewayLogs, pushToken, unsubscribeToken } =
    notificationsFixture();

  describe("REST", () => {
    const id = uuidv7();
    it.each([
      ["GET", "/notifications", undefined],
      ["GET", "/notifications/unread-count", undefined],
      ["POST", "/notifications/read", { all: true }],
      ["GET", "/notifications/preferences", undefined],
      ["PUT", "/notifications/preferences", { nonsense: true }],
      ["GET", "/notifications/devices", undefined],
      ["POST", "/notifications/devices", { token: "t", platform: "ios" }],
      ["DELETE", `/notifications/devices/${id}`, undefined],
      ["GET", "/notifications/dead-letters", undefined],
      ["POST", `/notifications/dead-letters/${id}/requeue`, undefined],
    ] as const)("answers %s %s without a token with 401 in the envelope", async (method, url, payload) => {
      const response = await rest(method, url, undefined, payload);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, error: { code: "UNAUTHENTICATED" } });
    });

    it("lists the caller's notifications newest first, one page after another with the cursor", async () => {
      const user = await signIn({ shipped: 3 });
      const first = await rest("GET", "/notifications?limit=2", user);
      expect(first.statusCode).toBe(200);
      const page = first.json();
      expect(page.items).toHaveLength(2);
      expect(page.items[0]).toEqual({
        id: expect.any(String),
        kind: "order.shipped",
        category: "transactional",
        title: expect.any(String),
        body: expect.stringContaining("TRACK-2"),
        data: expect.objectContaining({ order_id: expect.any(String) }),
        createdAt: expect.any(String),
        readAt: null,
      });
      expect(page.nextCursor).toEqual(expect.any(String));
      const second = (await rest("GET", `/notifications?limit=2&cursor=${page.nextCursor}`, user)).json();
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect(second.items[0].body).toContain("TRACK-0");
    });

    it("counts unread notifications and marks one, then all, read", async () => {
      const user = await signIn({ shipped: 3 });
      const [newest] = (await rest("GET", "/notifications", user)).json().items;
      const one = await rest("POST", "/notifications/read", user, { ids: [newest.id] });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual({ marked: 1, unread: 2 });
      expect((await rest("GET", "/notifications/unread-count", user)).json()).toEqual({ unread: 2 });
      const unread = (await rest("GET", "/notifications?unreadOnly=true", user)).json().items;
      expect(unread.map((n: { id: string }) => n.id)).not.toContain(newest.id);
      const listed = (await rest("GET", "/notifications", user)).json().items;
      expect(Date.parse(listed[0].readAt)).not.toBeNaN();
      expect((await rest("POST", "/notifications/read", user, { all: true })).json()).toEqual({
        marked: 2,
        unread: 0,
      });
    });

    it("reads and changes preferences", async () => {
      const user = await signIn();
      const read = (await rest("GET", "/notifications/preferences", user)).json().preferences;
      expect(read).toHaveLength(15);
      expect(read).toContainEqual({
        category: "transactional",
        channel: "email",
        enabled: true,
        locked: true,
      });
      expect(read).toContainEqual({ category: "marketing", channel: "email", enabled: false, locked: false });
      const changed = await rest("PUT", "/notifications/preferences", user, {
        preferences: [
          { category: "marketing", channel: "email", enabled: true },
          { category: "low_stock", channel: "push", enabled: false },
        ],
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().preferences).toEqual(
        expect.arrayContaining([
          { category: "marketing", channel: "email", enabled: true, locked: false },
          { category: "low_stock", channel: "push", enabled: false, locked: false },
        ]),
      );
      const again = (await rest("GET", "/notifications/preferences", user)).json().preferences;
      expect(again).toContainEqual({ category: "low_stock", channel: "push", enabled: false, locked: false });
    });

    it("refuses to turn off transactional e-mail with 400 naming the setting", async () => {
      const user = await signIn();
      const response = await rest("PUT", "/notifications/preferences", user, {
        preferences: [
          { category: "follows", channel: "push", enabled: false },
          { category: "transactional", channel: "email", enabled: false },
        ],
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "body.preferences[1]", message: expect.stringContaining("cannot be turned off") }],
      });
      const read = (await rest("GET", "/notifications/preferences", user)).json().preferences;
      expect(read).toContainEqual({ category: "follows", channel: "push", enabled: true, locked: false });
    });

    it("registers, lists and unregisters a device, never answering its token", async () => {
      const user = await signIn();
      const token = pushToken();
      const registered = await rest("POST", "/notifications/devices", user, {
        token,
        platform: "ios",
        label: "Ada's phone",
      });
      expect(registered.statusCode).toBe(201);
      const device = registered.json();
      expect(device).toEqual({
        id: expect.any(String),
        platform: "ios",
        label: "Ada's phone",
        createdAt: expect.any(String),
        lastSeenAt: expect.any(String),
      });
      const listed = await rest("GET", "/notifications/devices", user);
      expect(listed.json()).toEqual({ items: [device] });
      const deleted = await rest("DELETE", `/notifications/devices/${device.id}`, user);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe("");
      expect((await rest("GET", "/notifications/devices", user)).json()).toEqual({ items: [] });
      expect((await rest("DELETE", `/notifications/devices/${device.id}`, user)).statusCode).toBe(404);
      for (const response of [registered, listed]) expect(response.body).not.toContain(token);
    });

    it("keeps one user from listing, counting or marking another's notifications, or forgetting their device", async () => {
      const alice = await signIn({ shipped: 2 });
      const bob = await signIn();
      const [mine] = (await rest("GET", "/notifications", alice)).json().items;
      const device = (
        await rest("POST", "/notifications/devices", alice, { token: pushToken(), platform: "android" })
      ).json();

      expect((await rest("GET", "/notifications", bob)).json()).toEqual({ items: [], nextCursor: null });
      expect((await rest("GET", "/notifications/unread-count", bob)).json()).toEqual({ unread: 0 });
      expect((await rest("POST", "/notifications/read", bob, { ids: [mine.id] })).json()).toEqual({
        marked: 0,
        unread: 0,
      });
      expect((await rest("POST", "/notifications/read", bob, { all: true })).json().marked).toBe(0);
      const forget = await rest("DELETE", `/notifications/devices/${device.id}`, bob);
      expect(forget.statusCode).toBe(404);
      expect(forget.json().error.code).toBe("NOT_FOUND");
      expect((await rest("GET", "/notifications/devices", bob)).json()).toEqual({ items: [] });

      expect((await rest("GET", "/notifications/unread-count", alice)).json()).toEqual({ unread: 2 });
      expect((await rest("GET", "/notifications/devices", alice)).json().items).toEqual([device]);
    });

    it("keeps the dead letters to admins: 403 for anyone else", async () => {
      const buyer = await signIn();
      const admin = await signIn({ roles: ["admin"] });
      for (const [method, url] of [
        ["GET", "/notifications/dead-letters"],
        ["POST", `/notifications/dead-letters/${uuidv7()}/requeue`],
      ] as const) {
        const response = await rest(method, url, buyer);
        expect(response.statusCode, url).toBe(403);
        expect(response.json().error.code).toBe("PERMISSION_DENIED");
      }
      const listed = await rest("GET", "/notifications/dead-letters?limit=10", admin);
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toEqual({ items: [] });
      const requeued = await rest("POST", `/notifications/dead-letters/${uuidv7()}/requeue`, admin);
      expect(requeued.statusCode).toBe(422);
      expect(requeued.json().error.code).toBe("FAILED_PRECONDITION");
    });

    it.each([
      ["GET", "/notifications?limit=101", undefined, "querystring.limit"],
      ["GET", "/notifications?cursor=garbage", undefined, "querystring.cursor"],
      ["GET", "/notifications?unreadOnly=maybe", undefined, "querystring.unreadOnly"],
      ["GET", "/notifications/dead-letters?limit=0", undefined, "querystring.limit"],
      ["POST", "/notifications/read", { ids: ["not-a-uuid"] }, "body.ids.0"],
      ["POST", "/notifications/read", {}, "body.ids"],
      ["POST", "/notifications/read", { ids: [uuidv7()], all: true }, "body.ids"],
      ["PUT", "/notifications/preferences", { preferences: [] }, "body.preferences"],
      [
        "PUT",
        "/notifications/preferences",
        { preferences: [{ category: "weather", channel: "email", enabled: true }] },
        "body.preferences.0.category",
      ],
      ["POST", "/notifications/devices", { token: "t", platform: "fax" }, "body.platform"],
      ["POST", "/notifications/devices", { platform: "ios" }, "body.token"],
      ["POST", "/notifications/devices", { token: "{}", platform: "web" }, "body.token"],
      ["DELETE", "/notifications/devices/not-a-uuid", undefined, "params.id"],
      ["POST", "/notifications/dead-letters/not-a-uuid/requeue", undefined, "params.id"],
    ] as const)("answers %s %s %j with 400 naming %s", async (method, url, payload, field) => {
      const user = await signIn({ roles: ["admin"] });
      const response = await rest(method, url, user, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(response.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it("turns one category's e-mail off from a one-click unsubscribe link, without a sign-in, and refuses a forged link", async () => {
      const user = await signIn();
      await rest("PUT", "/notifications/preferences", user, {
        preferences: [{ category: "marketing", channel: "email", enabled: true }],
      });
      const token = unsubscribeToken(user.id, "marketing");
      const done = await rest("POST", `/notifications/unsubscribe?token=${token}`, undefined);
      expect(done.statusCode).toBe(200);
      expect(done.json()).toEqual({ category: "marketing" });
      const { preferences } = (await rest("GET", "/notifications/preferences", user)).json();
      expect(preferences).toContainEqual({
        category: "marketing",
        channel: "email",
        enabled: false,
        locked: false,
      });
      const forged = await rest(
        "POST",
        `/notifications/unsubscribe?token=${token.slice(0, -3)}abc`,
        undefined,
      );
      expect(forged.statusCode).toBe(400);
      expect(forged.json().error.details.map((d: { field: string }) => d.field)).toEqual([
        "querystring.token",
      ]);
      const missing = await rest("POST", "/notifications/unsubscribe", undefined);
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.details.map((d: { field: string }) => d.field)).toEqual([
        "querystring.token",
      ]);
      const viaGraphql = await gql("mutation($t: String!) { unsubscribeNotifications(token: $t) }", {
        t: unsubscribeToken(user.id, "follows"),
      });
      expect(viaGraphql).toEqual({ data: { unsubscribeNotifications: "FOLLOWS" } });
    });

    it("documents every route with its tag, bearer security and error envelope", async () => {
      const paths = (
        gateway().app.swagger() as unknown as {
          paths: Record<string, Record<string, Record<string, unknown>>>;
        }
      ).paths;
      const routes = Object.entries(paths)
        .filter(([path]) => path.startsWith("/api/v1/notifications"))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
        );
      expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        "delete /api/v1/notifications/devices/{id}",
        "get /api/v1/notifications",
        "get /api/v1/notifications/dead-letters",
        "get /api/v1/notifications/devices",
        "get /api/v1/notifications/preferences",
        "get /api/v1/notifications/unread-count",
        "post /api/v1/notifications/dead-letters/{id}/requeue",
        "post /api/v1/notifications/devices",
        "post /api/v1/notifications/read",
        "post /api/v1/notifications/unsubscribe",
        "put /api/v1/notifications/preferences",
      ]);
      for (const { path, operation } of routes) {
        // An unsubscribe link works without a sign-in: its signed token is the credential.
        if (path.endsWith("/unsubscribe")) expect(operation).not.toHaveProperty("security");
        else expect(operation).toMatchObject({ tags: ["notifications"], security: [{ bearer: [] }] });
        expect(Object.keys(operation.responses as object)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
      }
    });
  });

  it("never logs a push token, whether the registration succeeds or is refused", async () => {
    const user = await signIn();
    const tokens = [pushToken(), pushToken(), pushToken()];
    await rest("POST", "/notifications/devices", user, { token: tokens[0], platform: "ios" });
    await rest("POST", "/notifications/devices", user, { token: tokens[1], platform: "web" });
    await gql("mutation($t: String!) { unregisterDeviceToken(token: $t) }", { t: tokens[0] }, user);
    await gql("mutation($t: String!) { registerDeviceToken(token: $t, platform: WEB) { id } }", {
      t: tokens[2],
    });
    // Request logging is off and bodies are never logged (and `token` is a redacted key): this
    // keeps it so if the gateway ever starts logging requests.
    const logged = JSON.stringify(gatewayLogs);
    for (const token of tokens) expect(logged).not.toContain(token);
  });

  describe("GraphQL", () => {
    const page = `query($first: Int, $after: String, $unreadOnly: Boolean) {
      notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
        edges { cursor node { id kind category title body data { name value } createdAt readAt } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const count = "{ unreadNotificationCount }";
    const mark =
      "mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) { marked unread } }";
    const update = `mutation($p: [PreferenceInput!]!) {
      updateNotificationPreferences(preferences: $p) { category channel enabled locked }
    }`;
    const register = `mutation($token: String!, $platform: DevicePlatform!, $label: String) {
      registerDeviceToken(token: $token, platform: $platform, label: $label) { id platform label createdAt lastSeenAt }
    }`;
    const unregister = "mutation($id: ID, $token: String) { unregisterDeviceToken(id: $id, token: $token) }";
    const devices = "{ deviceTokens { id platform label } }";

    it.each([
      ["notifications", "{ notifications { edges { cursor } } }"],
      ["unreadNotificationCount", count],
      ["notificationPreferences", "{ notificationPreferences { enabled } }"],
      ["deviceTokens", devices],
      ["markNotificationsRead", "mutation { markNotificationsRead(all: true) { marked } }"],
      ["notificationDeadLetters", "{ notificationDeadLetters { id } }"],
    ])("refuses %s without a token with UNAUTHENTICATED", async (_field, query) => {
      const body = await gql(query, {});
      expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    });

    it("pages through the caller's notifications with endCursor", async () => {
      const user = await signIn({ shipped: 3 });
      const first = (await gql(page, { first: 2 }, user)).data.notifications;
      expect(first.edges).toHaveLength(2);
      expect(first.edges[0]).toMatchObject({
        cursor: null,
        node: { kind: "order.shipped", category: "TRANSACTIONAL", readAt: null },
      });
      expect(first.edges[0].node.data).toContainEqual({ name: "order_id", value: expect.any(String) });
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(first.edges[1].cursor).toBe(first.pageInfo.endCursor);
      const second = (await gql(page, { first: 2, after: first.pageInfo.endCursor }, user)).data
        .notifications;
      expect(second.edges).toHaveLength(1);
      expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    });

    it("counts unread notifications and marks one, then all, read", async () => {
      const user = await signIn({ shipped: 2 });
      expect((await gql(count, {}, user)).data.unreadNotificationCount).toBe(2);
      const [edge] = (await gql(page, {}, user)).data.notifications.edges;
      expect((await gql(mark, { ids: [edge.node.id] }, user)).data.markNotificationsRead).toEqual({
        marked: 1,
        unread: 1,
      });
      const unread = (await gql(page, { unreadOnly: true }, user)).data.notifications.edges;
      expect(unread).toHaveLength(1);
      expect((await gql(mark, { all: true }, user)).data.markNotificationsRead).toEqual({
        marked: 1,
        unread: 0,
      });
      expect((await gql(count, {}, user)).data.unreadNotificationCount).toBe(0);
    });

    it("reads and changes preferences, and refuses to turn off security e-mail naming the setting", async () => {
      const user = await signIn();
      const read = (await gql("{ notificationPreferences { category channel enabled locked } }", {}, user))
        .data.notificationPreferences;
      expect(read).toHaveLength(15);
      expect(read).toContainEqual({ category: "SECURITY", channel: "EMAIL", enabled: true, locked: true });
      const changed = await gql(
        update,
        { p: [{ category: "FOLLOWS", channel: "IN_APP", enabled: false }] },
        user,
      );
      expect(changed.data.updateNotificationPreferences).toContainEqual({
        category: "FOLLOWS",
        channel: "IN_APP",
        enabled: false,
        locked: false,
      });
      const refused = await gql(
        update,
        { p: [{ category: "SECURITY", channel: "EMAIL", enabled: false }] },
        user,
      );
      expect(refused.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "preferences[0]", message: expect.stringContaining("cannot be turned off") }],
      });
    });

    it("registers, lists and unregisters devices by id and by token, never answering a token", async () => {
      const user = await signIn();
      const [web, ios] = [pushToken(), pushToken()];
      const subscription = JSON.stringify({
        endpoint: `https://push.example.com/${web}`,
        keys: { p256dh: "key", auth: "auth" },
      });
      const first = await graphql(register, { token: subscription, platform: "WEB", label: "Laptop" }, user);
      const second = await graphql(register, { token: ios, platform: "IOS" }, user);
      expect(first.json().data.registerDeviceToken).toMatchObject({ platform: "WEB", label: "Laptop" });
      expect(second.json().data.registerDeviceToken).toMatchObject({ platform: "IOS", label: null });
      const listed = await graphql(devices, {}, user);
      expect(listed.json().data.deviceTokens).toHaveLength(2);
      for (const response of [first, second, listed]) {
        expect(response.body).not.toContain(web);
        expect(response.body).not.toContain(ios);
      }
      const { id } = first.json().data.registerDeviceToken;
      expect((await gql(unregister, { id }, user)).data.unregisterDeviceToken).toBe(true);
      expect((await gql(unregister, { token: ios }, user)).data.unregisterDeviceToken).toBe(true);
      expect((await gql(unregister, { id }, user)).data.unregisterDeviceToken).toBe(false);
      expect((await gql(devices, {}, user)).data.deviceTokens).toEqual([]);
    });

    it("keeps one user from listing, counting or marking another's notifications, or forgetting their device", async () => {
      const alice = await signIn({ shipped: 1 });
      const bob = await signIn();
      const [edge] = (await gql(page, {}, alice)).data.notifications.edges;
      const token = pushToken();
      const device = (await gql(register, { token, platform: "ANDROID" }, alice)).data.registerDeviceToken;

      expect((await gql(page, {}, bob)).data.notifications.edges).toEqual([]);
      expect((await gql(count, {}, bob)).data.unreadNotificationCount).toBe(0);
      expect((await gql(mark, { ids: [edge.node.id] }, bob)).data.markNotificationsRead.marked).toBe(0);
      expect((await gql(unregister, { id: device.id }, bob)).data.unregisterDeviceToken).toBe(false);
      expect((await gql(unregister, { token }, bob)).data.unregisterDeviceToken).toBe(false);
      expect((await gql(devices, {}, bob)).data.deviceTokens).toEqual([]);

      expect((await gql(count, {}, alice)).data.unreadNotificationCount).toBe(1);
      expect((await gql(devices, {}, alice)).data.deviceTokens).toEqual([
        { id: device.id, platform: "ANDROID", label: null },
      ]);
    });

    it("keeps the dead letters to admins", async () => {
      const buyer = await signIn();
      const admin = await signIn({ roles: ["admin"] });
      const requeue = "mutation($id: ID!) { requeueNotificationDeadLetter(id: $id) }";
      const letters = "{ notificationDeadLetters(limit: 10) { id channel } }";
      expect((await gql(letters, {}, buyer)).errors[0].extensions.code).toBe("PERMISSION_DENIED");
      expect((await gql(requeue, { id: uuidv7() }, buyer)).errors[0].extensions.code).toBe(
        "PERMISSION_DENIED",
      );
      expect(await gql(letters, {}, admin)).toEqual({ data: { notificationDeadLetters: [] } });
      expect((await gql(requeue, { id: uuidv7() }, admin)).errors[0].extensions.code).toBe(
        "FAILED_PRECONDITION",
      );
    });

    it.each([
      ["first over 100", page, { first: 101 }, "first"],
      ["a malformed after", page, { after: "garbage" }, "after"],
      ["a dead-letter limit over 100", "{ notificationDeadLetters(limit: 500) { id } }", {}, "limit"],
      ["a non-UUID id to mark", mark, { ids: ["not-a-uuid"] }, "ids[0]"],
      ["neither ids nor all", mark, {}, "ids"],
      ["a non-UUID device id", unregister, { id: "not-a-uuid" }, "id"],
      ["no device id or token", unregister, {}, "id"],
      ["a non-UUID dead letter", 'mutation { requeueNotificationDeadLetter(id: "x") }', {}, "id"],
      ["an empty token", register, { token: "", platform: "IOS" }, "token"],
    ])("refuses %s with INVALID_ARGUMENT naming the field", async (_case, query, variables, field) => {
      const user = await signIn({ roles: ["admin"] });
      const body = await gql(query, variables, user);
      expect(body.errors[0].extensions).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(body.errors[0].extensions.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });
});
