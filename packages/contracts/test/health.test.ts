import { create, toBinary } from "@bufbuild/protobuf";
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "@mercato/contracts/grpc/health/v1/health_pb";
import { describe, expect, it } from "vitest";

// Stock health clients (grpc_health_probe, Kubernetes gRPC probes) hard-code these paths and bytes.
describe("grpc.health.v1 contract", () => {
  it("serves Check (unary) and Watch (server streaming) under /grpc.health.v1.Health", () => {
    expect(Health.typeName).toBe("grpc.health.v1.Health");
    expect([Health.method.check.name, Health.method.check.methodKind]).toEqual(["Check", "unary"]);
    expect([Health.method.watch.name, Health.method.watch.methodKind]).toEqual(["Watch", "server_streaming"]);
  });

  it("encodes request and status with the protocol's field numbers and enum values", () => {
    expect(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: "a" }))).toEqual(
      new Uint8Array([0x0a, 0x01, 0x61]),
    );
    const notServing = create(HealthCheckResponseSchema, {
      status: HealthCheckResponse_ServingStatus.NOT_SERVING,
    });
    expect(toBinary(HealthCheckResponseSchema, notServing)).toEqual(new Uint8Array([0x08, 0x02]));
    expect(HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN).toBe(3);
  });
});
