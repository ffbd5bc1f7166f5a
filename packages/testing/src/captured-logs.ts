import { Writable } from "node:stream";
import { createLogger, type Logger } from "@mercato/platform";

/** One parsed log line: pino's numeric level (30 info, 40 warn, 50 error), its message and fields. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger for `service` (level default "info") whose lines are kept, parsed, in `lines`. */
export function capturedLogs(service: string, level = "info"): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ service, level, destination }), lines };
}
