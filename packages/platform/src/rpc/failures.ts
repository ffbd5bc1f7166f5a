import { Code, ConnectError } from "@connectrpc/connect";
import { failedServiceKey, ServiceUnavailable } from "../errors/errors.js";

/** Errors that say a service (not the request) is in trouble: the called one or one further on. */
export function isAvailabilityError(error: unknown): boolean {
  if (error instanceof ServiceUnavailable) return true;
  if (!(error instanceof ConnectError)) return false;
  return (
    error.code === Code.Unavailable || error.code === Code.DeadlineExceeded || error.code === Code.Unknown
  );
}

/**
 * The service an availability error names as the one that failed: a ServiceUnavailable's own
 * `service`, or the relay mark (`mercato-failed-service`) of an answer that passes an outage on.
 */
export function failedService(error: unknown): string | undefined {
  if (error instanceof ServiceUnavailable) return error.service;
  if (error instanceof ConnectError) return error.metadata.get(failedServiceKey) ?? undefined;
  return undefined;
}

/**
 * Whether an error is a failure of the called service itself, which its circuit breaker counts:
 * unreachable, reset, its own deadline or an unavailable answer without a relay mark. An outage
 * the service only passes on from its own upstream is not (docs/adr/0028).
 */
export function isOwnFailure(error: unknown): boolean {
  return isAvailabilityError(error) && failedService(error) === undefined;
}
