import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, durationMs, flag, parseConfig, port, servicePorts, url, urls } from "./config.js";

const schema = z.object({
  PORT: port(8080),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  TIMEOUT_MS: durationMs(5000),
  PRETTY: flag(false),
});

describe("parseConfig", () => {
  it("applies defaults when variables are absent", () => {
    expect(parseConfig(schema, {})).toEqual({ PORT: 8080, TIMEOUT_MS: 5000, PRETTY: false });
  });

  it("coerces strings into typed values", () => {
    const config = parseConfig(schema, {
      PORT: "9001",
      DATABASE_URL: "postgres://localhost/db",
      TIMEOUT_MS: "250",
      PRETTY: "yes",
    });
    expect(config).toEqual({
      PORT: 9001,
      DATABASE_URL: "postgres://localhost/db",
      TIMEOUT_MS: 250,
      PRETTY: true,
    });
  });

  it("names the variable and the bad value in one line", () => {
    expect(() => parseConfig(schema, { PORT: "eighty" })).toThrowError(
      new ConfigError('invalid configuration: PORT must be a number (got "eighty")'),
    );
  });

  it("rejects a URL with the wrong scheme naming the variable", () => {
    expect(() => parseConfig(schema, { DATABASE_URL: "mysql://x" })).toThrow(
      /^invalid configuration: DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\/ \(got "mysql:\/\/x"\)$/,
    );
  });

  it("takes the servers of a cluster comma-separated, and names a bad one", () => {
    const cluster = z.object({ NATS_URL: urls(["nats:", "tls:"]) });
    const servers = "nats://nats-1:4222, nats://nats-2:4222,nats://nats-3:4222";
    expect(parseConfig(cluster, { NATS_URL: servers }).NATS_URL).toBe(servers);
    expect(() => parseConfig(cluster, { NATS_URL: "nats://nats-1:4222,http://nats-2:4222" })).toThrow(
      /^invalid configuration: NATS_URL must be a URL starting with nats:\/\/ or tls:\/\/, or several separated by commas \(got "nats:\/\/nats-1:4222,http:\/\/nats-2:4222"\)$/,
    );
    expect(() => parseConfig(cluster, { NATS_URL: "nats://a:4222," })).toThrow(/NATS_URL must be a URL/);
  });

  it("names a secret's length but never its value, and masks a URL's password", () => {
    const secrets = z.object({
      ADMIN_PASSWORD: z.string().min(10, { error: "must be at least 10 characters" }),
      SERVICE_TOKEN_SECRET: z.string().min(32, { error: "must be at least 32 characters" }),
      SMTP_URL: url(["smtp:"]),
    });
    const parse = () =>
      parseConfig(secrets, {
        ADMIN_PASSWORD: "hunter2",
        SERVICE_TOKEN_SECRET: "s3cr3t-value",
        SMTP_URL: "smtps://mailer:pa55word@mail.example:465",
      });
    expect(parse).toThrow(
      new ConfigError(
        "invalid configuration: ADMIN_PASSWORD must be at least 10 characters (got 7 characters); " +
          "SERVICE_TOKEN_SECRET must be at least 32 characters (got 12 characters); " +
          'SMTP_URL must be a URL starting with smtp:// (got "smtps://mailer:***@mail.example:465")',
      ),
    );
  });

  it("reports a missing required variable as missing", () => {
    const required = z.object({ NATS_URL: url(["nats:"]) });
    expect(() => parseConfig(required, {})).toThrow(/NATS_URL is required \(missing\)/);
  });

  it("lists every bad variable on the same line", () => {
    try {
      parseConfig(schema, { PORT: "70000", PRETTY: "maybe" });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toContain("PORT must be between 0 and 65535");
      expect(message).toContain("PRETTY must be true or false");
    }
  });
});

describe("servicePorts", () => {
  const services = [
    { name: "auth", defaultPort: 9000 },
    { name: "orders", defaultPort: 9005 },
  ];

  it("reads each <NAME>_PORT, falling back to the service's own port", () => {
    expect(servicePorts(services, { ORDERS_PORT: "9105" })).toEqual({ auth: 9000, orders: 9105 });
  });

  it("stops on a bad port naming its variable", () => {
    expect(() => servicePorts(services, { AUTH_PORT: "abc" })).toThrow(
      /invalid configuration: AUTH_PORT must be a number \(got "abc"\)/,
    );
    expect(() => servicePorts(services, { ORDERS_PORT: "70000" })).toThrow(
      /ORDERS_PORT must be between 0 and 65535/,
    );
  });
});
