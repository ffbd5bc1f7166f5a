import { describe, expect, it } from "vitest";
import { avatarMediaReferences, canonicalLocale, profileChanges } from "./profile-rules.js";

describe("canonicalLocale", () => {
  it.each([
    ["en", "en"],
    ["pt-br", "pt-BR"],
    ["DE-de", "de-DE"],
    ["es-419", "es-419"],
    ["zh-Hant-TW", "zh-Hant-TW"],
  ])("writes %s as %s", (input, output) => {
    expect(canonicalLocale(input)).toBe(output);
  });

  it.each(["xx", "en-QQ", "en-US-US", "english", ""])("refuses %j naming the locale field", (tag) => {
    expect(() => canonicalLocale(tag)).toThrow(/^locale: /);
  });
});

describe("profileChanges", () => {
  it("keeps unset fields out of the changes", () => {
    expect(profileChanges({ displayName: "Ada" })).toEqual({ displayName: "Ada" });
  });

  it("clears optional fields sent as empty strings", () => {
    expect(profileChanges({ displayName: " ", email: "", phone: "", avatarMediaId: "" })).toEqual({
      displayName: null,
      email: null,
      phone: null,
      avatarMediaId: null,
    });
  });

  it("trims the display name and lower-cases only the e-mail domain", () => {
    expect(profileChanges({ displayName: "  Ada  Lovelace ", email: " Ada@Example.COM " })).toEqual({
      displayName: "Ada Lovelace",
      email: "Ada@example.com",
    });
  });

  it("refuses to clear the locale", () => {
    expect(() => profileChanges({ locale: "" })).toThrow(/^locale: cannot be cleared/);
  });

  it("refuses control characters in the display name", () => {
    expect(() => profileChanges({ displayName: "Ada\u0007" })).toThrow(/^display_name: /);
  });

  it("refuses control characters in the e-mail address", () => {
    expect(() => profileChanges({ email: "ada\u0000@example.com" })).toThrow(/^email: /);
  });
});

describe("avatarMediaReferences", () => {
  it("checks a new avatar as a ready avatar image, and nothing for a cleared or untouched one", () => {
    const id = "0190f5a0-0000-7000-8000-000000000001";
    expect(avatarMediaReferences({ avatarMediaId: id })).toEqual([
      { field: "avatar_media_id", mediaId: id, purpose: "avatar", kinds: ["image"] },
    ]);
    expect(avatarMediaReferences({ avatarMediaId: null })).toEqual([]);
    expect(avatarMediaReferences({ displayName: "Ada" })).toEqual([]);
  });
});
