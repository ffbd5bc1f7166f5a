import { Code, ConnectError } from "@connectrpc/connect";

/** One violated rule on one field of a request, named by its path (`items[0].quantity`). */
export interface FieldViolation {
  field: string;
  message: string;
}

/** Stable machine-readable error codes shared by RPC, REST and GraphQL. */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "FAILED_PRECONDITION"
  | "RESOURCE_EXHAUSTED"
  | "PAYLOAD_TOO_LARGE"
  | "DEADLINE_EXCEEDED"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL";

interface ErrorMapping {
  connect: Code;
  http: number;
}

/** The one place where a domain error code meets a Connect code and an HTTP status. */
export const errorMappings: Readonly<Record<ErrorCode, ErrorMapping>> = {
  INVALID_ARGUMENT: { connect: Code.InvalidArgument, http: 400 },
  UNAUTHENTICATED: { connect: Code.Unauthenticated, http: 401 },
  PERMISSION_DENIED: { connect: Code.PermissionDenied, http: 403 },
  NOT_FOUND: { connect: Code.NotFound, http: 404 },
  CONFLICT: { connect: Code.AlreadyExists, http: 409 },
  FAILED_PRECONDITION: { connect: Code.FailedPrecondition, http: 422 },
  RESOURCE_EXHAUSTED: { connect: Code.ResourceExhausted, http: 429 },
  PAYLOAD_TOO_LARGE: { connect: Code.InvalidArgument, http: 413 },
  DEADLINE_EXCEEDED: { connect: Code.DeadlineExceeded, http: 504 },
  SERVICE_UNAVAILABLE: { connect: Code.Unavailable, http: 502 },
  INTERNAL: { connect: Code.Internal, http: 500 },
};

const connectToCode = new Map<Code, ErrorCode>([
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
]);

/** Base class of every error a domain operation throws on purpose. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly violations: readonly FieldViolation[];

  constructor(code: ErrorCode, message: string, violations: readonly FieldViolation[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.violations = violations;
  }

  /** HTTP status for this error. */
  get httpStatus(): number {
    return errorMappings[this.code].http;
  }
}

/** A request is malformed; `violations` name the fields. */
export class InvalidArgument extends DomainError {
  constructor(message: string, violations: readonly FieldViolation[] = []) {
    super("INVALID_ARGUMENT", message, violations);
  }

  /** An InvalidArgument for a single field. */
  static field(field: string, message: string): InvalidArgument {
    return new InvalidArgument(`${field}: ${message}`, [{ field, message }]);
  }
}

/** The caller is not authenticated (missing, invalid or expired credentials). */
export class Unauthenticated extends DomainError {
  constructor(message = "authentication required") {
    super("UNAUTHENTICATED", message);
  }
}

/** The caller is authenticated but may not do this. */
export class PermissionDenied extends DomainError {
  constructor(message = "permission denied") {
    super("PERMISSION_DENIED", message);
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFound extends DomainError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** The change conflicts with the current state (duplicate, concurrent update, reused key). */
export class Conflict extends DomainError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

/** The request is valid but the system is not in a state that allows it. */
export class FailedPrecondition extends DomainError {
  constructor(message: string) {
    super("FAILED_PRECONDITION", message);
  }
}

/** A quota or rate limit was hit. */
export class ResourceExhausted extends DomainError {
  constructor(message: string) {
    super("RESOURCE_EXHAUSTED", message);
  }
}

/**
 * A dependency could not be reached in time or is down. `service` names the called service that
 * failed, when it is one: the answer then carries it (failedServiceKey), so the callers further up
 * neither blame nor circuit-break the service that only passed the outage on (docs/adr/0028).
 */
export class ServiceUnavailable extends DomainError {
  constructor(
    message: string,
    readonly service?: string,
  ) {
    super("SERVICE_UNAVAILABLE", message);
  }
}

const violationsKey = "mercato-violations";

/** Error metadata naming the service whose outage an answer passes on (`mercato-failed-service: inventory`). */
export const failedServiceKey = "mercato-failed-service";

/** Turns any thrown value into a ConnectError; unknown errors become a generic Internal error. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof DomainError) {
    const metadata = new Headers({ "mercato-error-code": error.code });
    if (error.violations.length > 0) metadata.set(violationsKey, asciiJson(error.violations));
    if (error instanceof ServiceUnavailable && error.service) metadata.set(failedServiceKey, error.service);
    return new ConnectError(error.message, errorMappings[error.code].connect, metadata, undefined, error);
  }
  return new ConnectError("internal error", Code.Internal, undefined, undefined, error);
}

/**
 * Turns an error received from an RPC call back into a DomainError with the same code and
 * violations; an unavailable service as ServiceUnavailable with the failed service it names.
 */
export function fromConnectError(error: ConnectError): DomainError {
  const declared = error.metadata.get("mercato-error-code") as ErrorCode | null;
  const code =
    declared && declared in errorMappings ? declared : (connectToCode.get(error.code) ?? "INTERNAL");
  if (code === "SERVICE_UNAVAILABLE") {
    return new ServiceUnavailable(error.rawMessage, error.metadata.get(failedServiceKey) ?? undefined);
  }
  let violations: FieldViolation[] = [];
  const raw = error.metadata.get(violationsKey);
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      violations = Array.isArray(parsed) ? parsed.filter(isFieldViolation) : [];
    } catch {
      violations = [];
    }
  }
  return new DomainError(code, error.rawMessage, violations);
}

// Header values must be Latin-1 (and survive HTTP/2 as bytes), so anything else is \u-escaped.
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function isFieldViolation(value: unknown): value is FieldViolation {
  const candidate = value as Partial<FieldViolation> | null;
  return typeof candidate?.field === "string" && typeof candidate.message === "string";
}
