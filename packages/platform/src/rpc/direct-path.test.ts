import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/config.js";
import { directRpcPath } from "./direct-path.js";

describe("directRpcPath", () => {
  it("takes the direct path unless RPC_DIRECT says off", () => {
    expect(directRpcPath({})).toBe(true);
    expect(directRpcPath({ RPC_DIRECT: "on" })).toBe(true);
    expect(directRpcPath({ RPC_DIRECT: "off" })).toBe(false);
  });

  it("refuses any other value, naming the variable", () => {
    expect(() => directRpcPath({ RPC_DIRECT: "false" })).toThrow(ConfigError);
    expect(() => directRpcPath({ RPC_DIRECT: "false" })).toThrow(/RPC_DIRECT must be on or off/);
  });
});
