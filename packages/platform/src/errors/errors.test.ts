import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  Conflict,
  DomainError,
  type ErrorCode,
  errorMappings,
  FailedPrecondition,
  fromConnectError,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  ServiceUnavailable,
  toConnectError,
  Unauthenticated,
} from "./errors.js";

// A Record over ErrorCode fails to compile when a code is added without being listed here.
const expectedHttp: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FAILED_PRECONDITION: 422,
  RESOURCE_EXHAUSTED: 429,
  PAYLOAD_TOO_LARGE: 413,
  DEADLINE_EXCEEDED: 504,
  SERVICE_UNAVAILABLE: 502,
  INTERNAL: 500,
};
const allCodes = Object.keys(expectedHttp) as ErrorCode[];

describe("error mappings", () => {
  it("map every ErrorCode, and nothing else, to a Connect code and its HTTP status", () => {
    expect(Object.keys(errorMappings).sort()).toEqual([...allCodes].sort());
    for (const code of allCodes) {
      expect(errorMappings[code].http, code).toBe(expectedHttp[code]);
      expect(Code[errorMappings[code].connect], code).toBeDefined();
    }
  });

  it.each(allCodes)("round-trips %s through a ConnectError", (code) => {
    const back = fromConnectError(toConnectError(new DomainError(code, `failed with ${code}`)));
    expect(back.code).toBe(code);
    expect(back.message).toBe(`failed with ${code}`);
    expect(back.httpStatus).toBe(expectedHttp[code]);
  });

  it.each([
    [new InvalidArgument("bad"), Code.InvalidArgument, 400],
    [new Unauthenticated(), Code.Unauthenticated, 401],
    [new PermissionDenied(), Code.PermissionDenied, 403],
    [new NotFound("gone"), Code.NotFound, 404],
    [new Conflict("dup"), Code.AlreadyExists, 409],
    [new FailedPrecondition("not now"), Code.FailedPrecondition, 422],
    [new ResourceExhausted("slow down"), Code.ResourceExhausted, 429],
    [new ServiceUnavailable("down"), Code.Unavailable, 502],
  ])("maps %s to Connect code %s and HTTP %s", (error, connectCode, http) => {
    expect(toConnectError(error).code).toBe(connectCode);
    expect(error.httpStatus).toBe(http);
  });
});

describe("toConnectError and fromConnectError", () => {
  it("keep the code and the field violations of an InvalidArgument", () => {
    const violations = [
      { field: "items[0].quantity", message: "must be at least 1" },
      { field: "currency", message: "must be «EUR» or «USD»" },
    ];
    const error = new InvalidArgument("invalid cart", violations);
    const connect = toConnectError(error);
    expect(connect.code).toBe(Code.InvalidArgument);
    const back = fromConnectError(connect);
    expect(back.code).toBe("INVALID_ARGUMENT");
    expect(back.message).toBe("invalid cart");
    expect(back.violations).toEqual(violations);
  });

  it("keep violations whose text is not Latin-1, which a header value cannot carry as is", () => {
    const violations = [{ field: "name", message: "must not contain “€” or 😀" }];
    const connect = toConnectError(new InvalidArgument("invalid name", violations));
    expect(connect.metadata.get("mercato-violations")).toMatch(/^[\x20-\x7e]+$/);
    expect(fromConnectError(connect).violations).toEqual(violations);
  });

  it("tell PAYLOAD_TOO_LARGE from INVALID_ARGUMENT although both are Connect invalid_argument", () => {
    const back = fromConnectError(toConnectError(new DomainError("PAYLOAD_TOO_LARGE", "too big")));
    expect(back.code).toBe("PAYLOAD_TOO_LARGE");
    expect(back.httpStatus).toBe(413);
  });

  it("turn an unknown error into Internal without its message", () => {
    const connect = toConnectError(new Error("connection to postgres://admin:hunter2@db failed"));
    expect(connect.code).toBe(Code.Internal);
    expect(connect.message).not.toContain("hunter2");
    expect(connect.rawMessage).toBe("internal error");
    expect(fromConnectError(connect).code).toBe("INTERNAL");
  });

  it("turn a thrown non-error into Internal", () => {
    expect(toConnectError("a string").code).toBe(Code.Internal);
    expect(toConnectError(undefined).code).toBe(Code.Internal);
  });

  it("carry the service a ServiceUnavailable names as failed, and only then", () => {
    const relayed = toConnectError(new ServiceUnavailable("service inventory is unavailable", "inventory"));
    expect(relayed.code).toBe(Code.Unavailable);
    expect(relayed.metadata.get("mercato-failed-service")).toBe("inventory");
    const back = fromConnectError(relayed);
    expect(back).toBeInstanceOf(ServiceUnavailable);
    expect(back).toMatchObject({ message: "service inventory is unavailable", service: "inventory" });
    const own = toConnectError(new ServiceUnavailable("database unavailable"));
    expect(own.metadata.has("mercato-failed-service")).toBe(false);
    expect((fromConnectError(own) as ServiceUnavailable).service).toBeUndefined();
  });

  it("pass a ConnectError through unchanged", () => {
    const original = new ConnectError("nope", Code.PermissionDenied);
    expect(toConnectError(original)).toBe(original);
  });

  it.each([
    [Code.InvalidArgument, "INVALID_ARGUMENT"],
    [Code.OutOfRange, "INVALID_ARGUMENT"],
    [Code.Unauthenticated, "UNAUTHENTICATED"],
    [Code.PermissionDenied, "PERMISSION_DENIED"],
    [Code.NotFound, "NOT_FOUND"],
    [Code.AlreadyExists, "CONFLICT"],
    [Code.Aborted, "CONFLICT"],
    [Code.FailedPrecondition, "FAILED_PRECONDITION"],
    [Code.ResourceExhausted, "RESOURCE_EXHAUSTED"],
    [Code.DeadlineExceeded, "DEADLINE_EXCEEDED"],
    [Code.Unavailable, "SERVICE_UNAVAILABLE"],
    [Code.Unknown, "INTERNAL"],
    [Code.Internal, "INTERNAL"],
    [Code.Unimplemented, "INTERNAL"],
    [Code.DataLoss, "INTERNAL"],
  ] as const)("map a foreign Connect code %s without metadata to %s", (connectCode, code) => {
    expect(fromConnectError(new ConnectError("x", connectCode)).code).toBe(code);
  });

  it("ignore a declared code it does not know and fall back to the Connect code", () => {
    const error = new ConnectError("x", Code.NotFound, new Headers({ "mercato-error-code": "TEAPOT" }));
    expect(fromConnectError(error).code).toBe("NOT_FOUND");
  });

  it.each([
    ["not JSON", "{oops"],
    ["not an array", '{"field":"a","message":"b"}'],
    ["an array of non-violations", '[1,"two",{"field":3}]'],
  ])("drop violations metadata that is %s", (_, raw) => {
    const error = new ConnectError("x", Code.InvalidArgument, new Headers({ "mercato-violations": raw }));
    const back = fromConnectError(error);
    expect(back.code).toBe("INVALID_ARGUMENT");
    expect(back.violations).toEqual([]);
  });
});
