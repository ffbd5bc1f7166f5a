import { z } from "zod";
import { parseConfig } from "../config/config.js";

const schema = z.object({
  RPC_DIRECT: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
});

/**
 * Whether unary calls take the direct path of docs/adr/0020 on both ends (`RPC_DIRECT=on`, the
 * default) or connect-node's transport and handler (`RPC_DIRECT=off`). Read from `env`, default
 * `process.env`; a value other than on or off stops start with a ConfigError naming it.
 */
export function directRpcPath(env: Record<string, string | undefined> = process.env): boolean {
  return parseConfig(schema, env).RPC_DIRECT === "on";
}
