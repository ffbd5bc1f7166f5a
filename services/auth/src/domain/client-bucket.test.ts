import { describe, expect, it } from "vitest";
import { clientBucket } from "./client-bucket.js";

describe("clientBucket", () => {
  it("keeps an IPv4 address", () => {
    expect(clientBucket("203.0.113.7")).toBe("203.0.113.7");
  });
  it("puts every address of one IPv6 /64 in one bucket", () => {
    expect(clientBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });
  it("treats an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(clientBucket("::ffff:198.51.100.9")).toBe("198.51.100.9");
  });
});
