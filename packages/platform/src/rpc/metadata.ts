/** Header names Mercato uses on every hop. */
export const headerNames = {
  correlationId: "x-correlation-id",
  requestId: "x-request-id",
  traceparent: "traceparent",
  authorization: "authorization",
} as const;

/** Fetch `Headers` from Node's incoming headers, without HTTP/2 pseudo-headers (`:path`, ...). */
export function headersFromNode(received: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(received)) {
    if (name.startsWith(":") || value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

const units: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000001 };

/** Milliseconds of a gRPC `grpc-timeout` (`100m`, `5S`) or Connect `connect-timeout-ms` header. */
export function timeoutFromHeaders(headers: Headers): number | undefined {
  const grpc = headers.get("grpc-timeout");
  if (grpc) {
    const match = /^(\d{1,8})([HMSmun])$/.exec(grpc);
    if (match?.[1] && match[2]) return Number(match[1]) * (units[match[2]] ?? 1);
  }
  const connect = headers.get("connect-timeout-ms");
  if (connect && /^\d{1,10}$/.test(connect)) return Number(connect);
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(value: string | null | undefined): string | undefined {
  const match = value ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(value.trim()) : null;
  return match?.[1];
}

/** snake_case name of a Connect code (`deadline_exceeded`), as used in metric labels. */
export function codeName(code: number): string {
  const names = [
    "ok",
    "canceled",
    "unknown",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal",
    "unavailable",
    "data_loss",
    "unauthenticated",
  ];
  return names[code] ?? "unknown";
}
