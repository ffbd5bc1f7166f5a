import { type DestinationStream, type Logger, pino } from "pino";
import { currentContext } from "../context/als.js";

export type { Logger } from "pino";

/** Field paths whose values never reach a log line (credentials, codes, tokens). */
export const redactedPaths: readonly string[] = [
  "password",
  "newPassword",
  "currentPassword",
  "code",
  "otp",
  "token",
  "accessToken",
  "refreshToken",
  "secret",
  "authorization",
  "cookie",
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.code",
  "*.otp",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.secret",
  "*.authorization",
  "*.cookie",
  'headers["authorization"]',
  'headers["cookie"]',
  "req.headers.authorization",
  "req.headers.cookie",
];

/** Options of createLogger; level defaults to `info`. */
export interface LoggerOptions {
  service: string;
  level?: string;
  /** Human-readable output for a terminal (pino-pretty); JSON otherwise. */
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
}

/**
 * A pino logger for one service. Every line carries `service`, and `correlationId` and `traceId`
 * of the request context that is running (see runWithContext); secrets are redacted.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level ?? "info",
    base: { service: options.service },
    redact: { paths: [...redactedPaths], censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId, traceId: ctx.trace.traceId } : {};
    },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) return pino(base, prettyDestination());
  return pino(base);
}

let pretty: DestinationStream | undefined;

/**
 * The one pino-pretty transport of this process. A transport is a worker thread with a V8 heap of
 * its own: one per logger gave the embedded host, whose services and gateway each have a logger,
 * ten threads and ≈ 180 MB (issue 22); they all write to this one.
 */
function prettyDestination(): DestinationStream {
  pretty ??= pino.transport({
    target: "pino-pretty",
    options: { colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" },
  });
  return pretty;
}
