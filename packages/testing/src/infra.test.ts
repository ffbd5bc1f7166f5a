import { describe, expect, it } from "vitest";
import { isCi, requireInfraUrl } from "./infra.js";

describe("requireInfraUrl", () => {
  it("returns the variable's value when it is set", () => {
    expect(requireInfraUrl("REDIS_URL", { REDIS_URL: "redis://127.0.0.1:6379", CI: "true" })).toBe(
      "redis://127.0.0.1:6379",
    );
  });

  it("returns undefined for a missing or blank variable outside CI", () => {
    expect(requireInfraUrl("NATS_URL", {})).toBeUndefined();
    expect(requireInfraUrl("NATS_URL", { NATS_URL: "  ", CI: "false" })).toBeUndefined();
  });

  it("throws naming the variable when it is missing under CI", () => {
    expect(() => requireInfraUrl("DATABASE_URL", { CI: "true" })).toThrow(
      /^DATABASE_URL is not set but CI=true: .*set DATABASE_URL/,
    );
  });
});

describe("isCi", () => {
  it("recognises true and 1 in any case and nothing else", () => {
    expect([undefined, "", "0", "false", "yes"].map((CI) => isCi(CI === undefined ? {} : { CI }))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["true", "TRUE", "1"].map((CI) => isCi({ CI }))).toEqual([true, true, true]);
  });
});
