import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestIssuer, rejection, type TestIssuer } from "../../test/support/test-keys.js";
import type { Caller } from "../context/context.js";
import { Unauthenticated } from "../errors/errors.js";
import { createJwksAuthenticator } from "./jwks-authenticator.js";
import { ServiceTokens } from "./service-tokens.js";
import { rememberVerified } from "./verified-tokens.js";

/** A JWT-shaped text with `claims` (rememberVerified reads only `exp`; the inner verifier is the test's). */
function token(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "EdDSA" })}.${part(claims)}.c2ln`;
}

const inSeconds = (seconds: number) => Math.ceil(Date.now() / 1000) + seconds;

/** A verifier that accepts every token as `sub`, counting its calls; `refuse` makes the next call throw. */
function countingVerifier() {
  const verifier = {
    calls: 0,
    refuse: false,
    verify: async (text: string): Promise<Caller> => {
      verifier.calls++;
      if (verifier.refuse) {
        verifier.refuse = false;
        throw new Unauthenticated("token signature invalid");
      }
      const sub = JSON.parse(Buffer.from(text.split(".")[1] ?? "", "base64url").toString()).sub as string;
      return { id: sub, roles: ["buyer"], claims: { emailVerified: true } };
    },
  };
  return verifier;
}

describe("rememberVerified", () => {
  it("verifies a token once and answers it again from memory, with one caller nobody can change", async () => {
    const verifier = countingVerifier();
    const authenticate = rememberVerified(verifier.verify);
    const text = token({ sub: "u1", exp: inSeconds(300) });
    const first = await authenticate(text);
    const again = await authenticate(text);
    expect(verifier.calls).toBe(1);
    expect(again).toBe(first);
    expect(first).toEqual({ id: "u1", roles: ["buyer"], claims: { emailVerified: true } });
    expect(() => {
      (first.roles as Caller["roles"][number][]).push("admin");
    }).toThrow(TypeError);
    expect(() => {
      (first as { id: string }).id = "u2";
    }).toThrow(TypeError);
    expect(() => {
      (first.claims as Record<string, unknown>).sellerId = "s1";
    }).toThrow(TypeError);
    // Another token of the same user is verified on its own.
    await authenticate(token({ sub: "u1", exp: inSeconds(301) }));
    expect(verifier.calls).toBe(2);
  });

  it("never remembers a refusal", async () => {
    const verifier = countingVerifier();
    const authenticate = rememberVerified(verifier.verify);
    const text = token({ sub: "u1", exp: inSeconds(300) });
    verifier.refuse = true;
    await expect(authenticate(text)).rejects.toThrow("token signature invalid");
    expect((await authenticate(text)).id).toBe("u1");
    expect(verifier.calls).toBe(2);
  });

  it("verifies again once the token's exp has passed, however long it may be remembered", async () => {
    const verifier = countingVerifier();
    const authenticate = rememberVerified(verifier.verify, { maxAgeMs: 60_000 });
    const exp = inSeconds(1);
    const text = token({ sub: "u1", exp });
    await authenticate(text);
    await authenticate(text);
    expect(verifier.calls).toBe(1);
    await sleep(exp * 1000 - Date.now() + 20);
    await authenticate(text);
    expect(verifier.calls).toBe(2);
  });

  it("verifies again after maxAgeMs, and does not remember a token without exp", async () => {
    const verifier = countingVerifier();
    const authenticate = rememberVerified(verifier.verify, { maxAgeMs: 50 });
    const text = token({ sub: "u1", exp: inSeconds(300) });
    await authenticate(text);
    await authenticate(text);
    expect(verifier.calls).toBe(1);
    await sleep(80);
    await authenticate(text);
    expect(verifier.calls).toBe(2);

    const endless = token({ sub: "u2" });
    await authenticate(endless);
    await authenticate(endless);
    expect(verifier.calls).toBe(4);
  });

  it("remembers nothing with maxAgeMs 0", async () => {
    const verifier = countingVerifier();
    const authenticate = rememberVerified(verifier.verify, { maxAgeMs: 0 });
    const text = token({ sub: "u1", exp: inSeconds(300) });
    await authenticate(text);
    await authenticate(text);
    expect(verifier.calls).toBe(2);
  });

  it("forgets the least recently used token beyond max", async () => {
    const verifier = countingVerifier();
    const authenticate = rememberVerified(verifier.verify, { max: 2 });
    const [a, b, c] = ["a", "b", "c"].map((sub) => token({ sub, exp: inSeconds(300) })) as [
      string,
      string,
      string,
    ];
    await authenticate(a);
    await authenticate(b);
    await authenticate(a); // a is now the most recent: c pushes b out
    await authenticate(c);
    expect(verifier.calls).toBe(3);
    await authenticate(a);
    expect(verifier.calls).toBe(3);
    await authenticate(b);
    expect(verifier.calls).toBe(4);
  });
});

describe("the platform's authenticators remember only the exact token they accepted", () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  it("refuses a user token whose payload was changed after the original was accepted", async () => {
    const authenticate = createJwksAuthenticator({ jwksUrl: issuer.jwksUrl });
    const original = await issuer.sign({ sub: "u1", roles: ["buyer"] });
    expect((await authenticate(original)).roles).toEqual(["buyer"]);
    const [header, payload, signature] = original.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ["admin"] })).toString("base64url")}.${signature}`;
    expect((await rejection(authenticate(forged))).message).toBe("token signature invalid");
    expect((await authenticate(original)).roles).toEqual(["buyer"]);
  });

  it("refuses a service token of another secret after one of its own was accepted, and still hands user tokens on", async () => {
    const ours = new ServiceTokens("a shared secret of this deployment, long enough");
    const theirs = new ServiceTokens("the secret of some other deployment, long enough");
    const authenticate = ours.authenticator(createJwksAuthenticator({ jwksUrl: issuer.jwksUrl }));
    const token = await ours.sign("orders");
    expect((await authenticate(token)).claims).toEqual({ service: "orders" });
    expect((await authenticate(token)).id).toBe("service:orders");
    expect((await rejection(authenticate(await theirs.sign("orders")))).message).toBe(
      "service token invalid",
    );
    expect((await authenticate(await issuer.sign({ sub: "u1" }))).id).toBe("u1");
  });
});
