import { ConnectError } from "@connectrpc/connect";
import {
  DomainError,
  type ErrorCode,
  errorMappings,
  type FieldViolation,
  fromConnectError,
} from "@mercato/platform/errors";
import { isAvailabilityError } from "@mercato/platform/rpc";

/** The body of every REST error: `{ success: false, error: { code, message, correlationId, details? } }`. */
export interface ErrorEnvelope {
  success: false;
  error: { code: ErrorCode; message: string; correlationId: string; details?: FieldViolation[] };
}

/** A resolved error: HTTP status plus the envelope fields. */
export interface GatewayError {
  status: number;
  code: ErrorCode;
  message: string;
  details: FieldViolation[];
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[];
  validationContext?: string;
}

/** Turns anything thrown while serving a request into status, code and message; unknown errors say nothing more. */
export function resolveError(error: unknown): GatewayError {
  if (error instanceof DomainError) {
    return {
      status: error.httpStatus,
      code: error.code,
      message: error.message,
      // Services name Protobuf fields (`new_password`); clients of the gateway send camelCase.
      details: error.violations.map((v) => ({ field: camelCasePath(v.field), message: v.message })),
    };
  }
  if (error instanceof ConnectError) {
    if (isAvailabilityError(error)) {
      return { status: 502, code: "SERVICE_UNAVAILABLE", message: "a service is unavailable", details: [] };
    }
    return resolveError(fromConnectError(error));
  }
  const e = (error ?? {}) as FastifyLikeError;
  if (e.validation) {
    const where = e.validationContext ?? "body";
    const details = e.validation.map((v) => {
      const missing = typeof v.params?.missingProperty === "string" ? `/${v.params.missingProperty}` : "";
      // Ajv reports an unknown property at its parent; name the property itself.
      const extra =
        typeof v.params?.additionalProperty === "string" ? v.params.additionalProperty : undefined;
      const path = `${v.instancePath ?? ""}${missing}${extra === undefined ? "" : `/${extra}`}`
        .replace(/^\//, "")
        .replaceAll("/", ".");
      const message = extra === undefined ? (v.message ?? "is invalid") : "is not allowed";
      return { field: path ? `${where}.${path}` : where, message };
    });
    return {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: details.map((d) => `${d.field} ${d.message}`).join("; "),
      details,
    };
  }
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE" || e.statusCode === 413) {
    return {
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      message: "request body is larger than the limit",
      details: [],
    };
  }
  if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || e.statusCode === 415) {
    return {
      status: 415,
      code: "INVALID_ARGUMENT",
      message: e.message ?? "unsupported content type",
      details: [],
    };
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    const code: ErrorCode =
      e.statusCode === 401
        ? "UNAUTHENTICATED"
        : e.statusCode === 403
          ? "PERMISSION_DENIED"
          : e.statusCode === 404
            ? "NOT_FOUND"
            : e.statusCode === 429
              ? "RESOURCE_EXHAUSTED"
              : "INVALID_ARGUMENT";
    return { status: e.statusCode, code, message: e.message ?? "bad request", details: [] };
  }
  return { status: 500, code: "INTERNAL", message: "internal error", details: [] };
}

/** `fields.postal_code` → `fields.postalCode`; camelCase names and `__proto__` are returned as is. */
export function camelCasePath(path: string): string {
  return path.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, next: string) => next.toUpperCase());
}

/** The REST envelope for a resolved error. */
export function envelope(error: GatewayError, correlationId: string): ErrorEnvelope {
  return {
    success: false,
    error: {
      code: error.code,
      message: error.message,
      correlationId,
      ...(error.details.length > 0 ? { details: error.details } : {}),
    },
  };
}

/** Seconds a client should wait before repeating a request that met an outage: 2. */
export const retryAfterSeconds = 2;

/**
 * The `Retry-After` of an answer with `status`: 502, 503 and 504 say a service was unavailable or
 * too slow, which passes, so they carry one (ADR 0029); anything else none (429 has its own).
 */
export function retryAfterOf(status: number): string | undefined {
  return status === 502 || status === 503 || status === 504 ? String(retryAfterSeconds) : undefined;
}

/** HTTP status of an error code. */
export function statusOf(code: ErrorCode): number {
  return errorMappings[code].http;
}

/** JSON schema of the error envelope, for route responses and OpenAPI. */
export const errorEnvelopeSchema = {
  $id: "ErrorEnvelope",
  type: "object",
  required: ["success", "error"],
  properties: {
    success: { type: "boolean", const: false },
    error: {
      type: "object",
      required: ["code", "message", "correlationId"],
      properties: {
        code: { type: "string", enum: Object.keys(errorMappings) },
        message: { type: "string" },
        correlationId: { type: "string" },
        details: {
          type: "array",
          items: {
            type: "object",
            required: ["field", "message"],
            properties: { field: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
} as const;
