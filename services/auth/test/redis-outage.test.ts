import { Code, ConnectError } from "@connectrpc/connect";
import { RedisKeyValue } from "@mercato/platform";
import { type RedisServer, startRedisServer, waitFor } from "@mercato/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthHarness, startAuth } from "./harness.js";

// Issue 16, item 2 (ADR 0027): sign-in does not depend on Redis answering. Its rate counters count in
// the auth process while a private redis-server is stopped or frozen (SIGSTOP), and in Redis again
// once it is back.

/** Deadline of each call: the gateway's 5 s less room; without the fallback a call would fail or wait past it. */
const callOptions = { timeoutMs: 4_000 };
const perPhone = 2;

describe("sign-in while Redis is down", () => {
  let redis: RedisServer;
  let kv: RedisKeyValue;
  let raw: Redis;
  let auth: AuthHarness;
  let phoneNumber = 4915112009000;

  beforeAll(async () => {
    redis = await startRedisServer();
    kv = new RedisKeyValue({ url: redis.url, keyPrefix: "auth:" });
    raw = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false });
    auth = await startAuth({ OTP_RESEND_COOLDOWN_MS: "1", OTP_RATE_PER_PHONE: String(perPhone) }, { kv });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await kv?.close();
    raw?.disconnect();
    await redis?.dispose();
  });

  /** Requests a code for a new phone number and signs in with it, each call within its deadline. */
  const signIn = async () => {
    phoneNumber += 1;
    const phone = `+${phoneNumber}`;
    const client = auth.client();
    await client.requestOtp({ phone, client: { ip: "203.0.113.9" } }, callOptions);
    const signedIn = await client.verifyOtp({ phone, code: await auth.otpFor(phone) }, callOptions);
    return { phone, signedIn };
  };
  /** The phone's code counter in Redis, undefined when Redis has none. */
  const countInRedis = async (phone: string) => {
    if (raw.status !== "ready") await raw.connect().catch(() => undefined);
    return (await raw.get(`auth:otp:phone:${phone}`)) ?? undefined;
  };

  for (const outage of ["stopped", "hung"] as const) {
    it(`signs in with a code while Redis is ${outage}, still limits codes per phone, and counts in Redis again afterwards`, async () => {
      expect((await signIn()).signedIn.account?.id).toBeTruthy();

      if (outage === "stopped") await redis.stop();
      else await redis.pause();
      raw.disconnect();
      try {
        const { phone, signedIn } = await signIn();
        expect(signedIn.created).toBe(true);
        expect(signedIn.tokens?.accessToken).toBeTruthy();
        // The per-phone limit still applies, counted in this process.
        await auth.client().requestOtp({ phone }, callOptions);
        const refused = await auth
          .client()
          .requestOtp({ phone }, callOptions)
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        expect(refused).toBeInstanceOf(ConnectError);
        expect((refused as ConnectError).code).toBe(Code.ResourceExhausted);
      } finally {
        if (outage === "stopped") await redis.start();
        else await redis.resume();
      }

      await waitFor(
        async () => {
          const { phone } = await signIn();
          return (await countInRedis(phone)) === "1";
        },
        { timeoutMs: 15_000, intervalMs: 200, message: "sign-in never counted in Redis again" },
      );
    });
  }
});
