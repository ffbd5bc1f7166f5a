import { DomainError } from "@mercato/platform";
import { describe, expect, it } from "vitest";
import { type AddressParts, normaliseAddress } from "./address-rules.js";

const base: AddressParts = {
  label: "",
  recipientName: "Ada Lovelace",
  company: "",
  line1: "Main Street 1",
  line2: "",
  city: "Berlin",
  region: "",
  postalCode: "10115",
  countryCode: "DE",
  phone: "",
};

/** The fields normaliseAddress names for `parts`. */
function refusedFields(parts: Partial<AddressParts>): string[] {
  try {
    normaliseAddress({ ...base, ...parts });
  } catch (error) {
    if (error instanceof DomainError && error.code === "INVALID_ARGUMENT")
      return error.violations.map((v) => v.field);
    throw error;
  }
  throw new Error("expected an InvalidArgument");
}

describe("normaliseAddress (the postal rules themselves are tested in the platform)", () => {
  it("tidies the label, recipient and company and keeps the postal address normalised", () => {
    expect(
      normaliseAddress({ ...base, label: "  Home ", recipientName: " Ada   Lovelace ", countryCode: " de " }),
    ).toMatchObject({ label: "Home", recipientName: "Ada Lovelace", countryCode: "DE" });
  });

  it("lists a missing recipient together with every postal violation", () => {
    expect(refusedFields({ recipientName: " ", line1: "", postalCode: "ABC" })).toEqual([
      "fields.recipient_name",
      "fields.line1",
      "fields.postal_code",
    ]);
  });

  it("refuses control characters in the label", () => {
    expect(refusedFields({ label: "Home\u0007" })).toEqual(["fields.label"]);
  });
});
