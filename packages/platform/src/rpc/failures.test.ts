import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { NotFound, ServiceUnavailable, toConnectError } from "../errors/errors.js";
import { calledServiceError } from "./client.js";
import { isOwnFailure } from "./failures.js";

/** What a service answers when it passes on the outage of `failed` (as its server writes it). */
const relayedFrom = (failed: string) =>
  toConnectError(new ServiceUnavailable(`service ${failed} is unavailable`, failed));

describe("calledServiceError", () => {
  it("names the called service when it is the one that failed", () => {
    for (const error of [
      new ConnectError("service unreachable: ECONNREFUSED", Code.Unavailable),
      new ConnectError("the operation timed out", Code.DeadlineExceeded),
      new ConnectError("HTTP 200 from x", Code.Unknown),
      toConnectError(new ServiceUnavailable("database unavailable")),
    ]) {
      const seen = calledServiceError("orders", error);
      expect(seen).toBeInstanceOf(ServiceUnavailable);
      expect(seen).toMatchObject({ message: "service orders is unavailable", service: "orders" });
    }
  });

  it("keeps the name of the service further on whose outage the called one passes on, through any number of hops", () => {
    const atOrders = calledServiceError(
      "inventory",
      new ConnectError("connect ECONNREFUSED", Code.Unavailable),
    );
    const atGateway = calledServiceError("orders", toConnectError(atOrders));
    const atEdge = calledServiceError("gateway", toConnectError(atGateway));
    for (const seen of [atOrders, atGateway, atEdge]) {
      expect(seen).toBeInstanceOf(ServiceUnavailable);
      expect(seen).toMatchObject({ message: "service inventory is unavailable", service: "inventory" });
    }
  });

  it("keeps the message of an open circuit that names its service", () => {
    const open = new ServiceUnavailable("service orders is unavailable (circuit open)", "orders");
    expect(calledServiceError("orders", open)).toBe(open);
  });

  it("turns a refusal into the domain error it carries", () => {
    const seen = calledServiceError("orders", toConnectError(new NotFound("order 1 not found")));
    expect(seen).toMatchObject({ code: "NOT_FOUND", message: "order 1 not found" });
  });
});

describe("isOwnFailure", () => {
  it("counts the called service's own outage and deadline, not a relayed outage or a refusal", () => {
    expect(isOwnFailure(new ConnectError("reset", Code.Unavailable))).toBe(true);
    expect(isOwnFailure(new ConnectError("timed out", Code.DeadlineExceeded))).toBe(true);
    expect(isOwnFailure(relayedFrom("inventory"))).toBe(false);
    expect(isOwnFailure(toConnectError(new NotFound("gone")))).toBe(false);
    expect(isOwnFailure(new ConnectError("bad", Code.InvalidArgument))).toBe(false);
  });
});
