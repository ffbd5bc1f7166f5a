import { create } from "@bufbuild/protobuf";
import { createValidator, type Violation } from "@bufbuild/protovalidate";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import {
  file_mercato_testkit_v1_item,
  GetItemRequestSchema,
  ListItemsRequestSchema,
  PutItemRequestSchema,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { describe, expect, it } from "vitest";

// These rules reach the validator only if the vendored validate.proto gave buf the same extension
// and field numbers as the descriptors @bufbuild/protovalidate evaluates them with.
const validator = createValidator();

function summary(violations: readonly Violation[] | undefined): string[] {
  return (violations ?? [])
    .map((v) => `${v.field.map((p) => (p.kind === "field" ? p.name : "?")).join(".")}:${v.ruleId}`)
    .sort();
}

describe("protovalidate rules in generated contracts", () => {
  it("generated code imports validate.proto from @bufbuild/protovalidate itself", () => {
    expect(file_mercato_testkit_v1_item.dependencies).toContain(file_buf_validate_validate);
  });

  it("rejects a PutItemRequest with an empty name and a bad currency, naming both fields", () => {
    const req = create(PutItemRequestSchema, { name: "", priceMinor: 100n, currency: "eur" });
    const result = validator.validate(PutItemRequestSchema, req);
    expect(result.kind).toBe("invalid");
    expect(summary(result.violations)).toEqual(["currency:string.pattern", "name:string.min_len"]);
  });

  it("accepts a well-formed PutItemRequest", () => {
    const req = create(PutItemRequestSchema, { name: "Espresso cup", priceMinor: 1250n, currency: "EUR" });
    expect(validator.validate(PutItemRequestSchema, req).kind).toBe("valid");
  });

  it("rejects a negative price", () => {
    const req = create(PutItemRequestSchema, { name: "Cup", priceMinor: -1n, currency: "EUR" });
    expect(summary(validator.validate(PutItemRequestSchema, req).violations)).toEqual([
      "price_minor:int64.gte",
    ]);
  });

  it("rejects a GetItemRequest whose id is not a UUID", () => {
    const req = create(GetItemRequestSchema, { id: "item-1" });
    expect(summary(validator.validate(GetItemRequestSchema, req).violations)).toEqual(["id:string.uuid"]);
  });

  it("rejects a ListItemsRequest limit above 100", () => {
    const req = create(ListItemsRequestSchema, { limit: 101 });
    expect(summary(validator.validate(ListItemsRequestSchema, req).violations)).toEqual([
      "limit:int32.gte_lte",
    ]);
  });
});
