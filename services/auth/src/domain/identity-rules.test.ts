import { DomainError } from "@mercato/platform";
import { describe, expect, it } from "vitest";
import { checkNewPassword, normaliseEmail, normalisePhone } from "./identity-rules.js";

function violation(fn: () => unknown): { field: string; message: string } | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).violations[0];
  }
  throw new Error("expected a violation");
}

describe("normalisePhone", () => {
  it("keeps a valid E.164 number", () => {
    expect(normalisePhone("+4915112345678")).toBe("+4915112345678");
    expect(normalisePhone(" +14155552671 ")).toBe("+14155552671");
  });
  it.each(["+49", "+4900000", "+999123456789", "015112345678", "+1 000 000 0000"])(
    "refuses %s naming the field",
    (input) => {
      expect(violation(() => normalisePhone(input))?.field).toBe("phone");
    },
  );
});

describe("normaliseEmail", () => {
  it("trims and lower-cases", () => {
    expect(normaliseEmail("  Shop@Example.COM ")).toBe("shop@example.com");
  });
});

describe("checkNewPassword", () => {
  it("accepts a long phrase", () => {
    expect(() => checkNewPassword("correct horse battery staple", "a@b.test", "password")).not.toThrow();
  });
  it.each([
    ["a well-known password", "password123"],
    ["one repeated character", "zzzzzzzzzzzz"],
    ["the e-mail address", "shopkeeper@mail.test!"],
    ["the e-mail's local part", "my shopkeeper pass"],
  ])("refuses %s on the named field", (_, password) => {
    expect(violation(() => checkNewPassword(password, "shopkeeper@mail.test", "new_password"))?.field).toBe(
      "new_password",
    );
  });
});
