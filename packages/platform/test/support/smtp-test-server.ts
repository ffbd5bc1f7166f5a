import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message an SMTP test server accepted: the envelope, the authenticated user and the raw bytes. */
export interface ReceivedSmtpMessage {
  mailFrom: string;
  rcptTo: string[];
  user: string | undefined;
  /** True when the session ran over TLS. */
  secure: boolean;
  raw: Buffer;
}

/** Options of `startSmtpTestServer`. */
export interface SmtpTestServerOptions {
  /** The one user the server accepts; default "mailer". */
  user?: string;
  /** Its password; default one with characters that must be URL-encoded. */
  password?: string;
  /** Implicit TLS (smtps) with smtp-server's built-in self-signed certificate; default false. */
  secure?: boolean;
  /** An error to refuse a recipient with (its `responseCode` is the SMTP reply code), or undefined to accept it. */
  refuseRecipient?: (address: string) => (Error & { responseCode?: number }) | undefined;
}

/** A real SMTP server on a free loopback port, for tests: AUTH required (PLAIN or LOGIN), no STARTTLS. */
export interface SmtpTestServer {
  port: number;
  user: string;
  password: string;
  /** `smtp(s)://user:password@127.0.0.1:port`, credentials URL-encoded; `password` replaces the right one. */
  url(password?: string): string;
  /** Every message accepted so far, oldest first. */
  received: ReceivedSmtpMessage[];
  /** Connection errors the server saw (a client that gave up on TLS, a dropped socket), oldest first. */
  errors: Error[];
  close(): Promise<void>;
}

/** Starts an SMTP server for tests (smtp-server package) that checks the user and password and records every message. */
export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const user = options.user ?? "mailer";
  const password = options.password ?? "Pa55:w/rd@ü%";
  const secure = options.secure ?? false;
  const received: ReceivedSmtpMessage[] = [];
  const errors: Error[] = [];
  const server = new SMTPServer({
    secure,
    authOptional: false,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, callback) {
      callback(options.refuseRecipient?.(address.address) ?? null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((address) => address.address),
          user: typeof session.user === "string" ? session.user : undefined,
          secure: session.secure,
          raw: Buffer.concat(chunks),
        });
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  // Without a listener a failed client connection would be an uncaught exception in the test process.
  server.on("error", (error) => errors.push(error));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    user,
    password,
    url: (pass = password) =>
      `smtp${secure ? "s" : ""}://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    received,
    errors,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
