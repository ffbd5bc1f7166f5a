import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";

/** A Protobuf timestamp as ISO 8601, or null when absent. */
export function isoTime(value: Timestamp | undefined): string | null {
  return value ? timestampDate(value).toISOString() : null;
}

/** Route responses for every error status: the gateway's error envelope. */
export const errorResponses = {
  "4xx": { $ref: "ErrorEnvelope#" },
  "5xx": {
    description: "A server error; 502, 503 and 504 carry Retry-After",
    headers: {
      "retry-after": {
        type: "integer",
        description: "on 502, 503 and 504: seconds to wait before trying again",
      },
    },
    $ref: "ErrorEnvelope#",
  },
} as const;

/** OpenAPI security of a route that needs a signed-in caller. */
export const bearerSecurity = [{ bearer: [] }];
