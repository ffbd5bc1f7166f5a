import { createServer, type Socket, connect as tcpConnect } from "node:net";

/** What a {@link CuttableLink} lets through: everything, requests only (answers are lost), or nothing. */
export type LinkState = "open" | "answers-lost" | "cut";

/**
 * A TCP proxy on a spare loopback port to `127.0.0.1:<targetPort>`, for network faults between two
 * services: while `answers-lost`, bytes reach the target but its answers are dropped; while `cut`,
 * nothing passes either way. `heal` closes every connection (as a partition's end does) and lets
 * new ones through.
 */
export class CuttableLink {
  state: LinkState = "open";
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
  ) {}

  static async open(targetPort: number): Promise<CuttableLink> {
    let link: CuttableLink | undefined;
    const server = createServer((client) => {
      const target = tcpConnect(targetPort, "127.0.0.1");
      link?.track(client, target);
      client.on("data", (bytes) => {
        if (link?.state !== "cut") target.write(bytes);
      });
      target.on("data", (bytes) => {
        if (link?.state === "open") client.write(bytes);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("the link has no port");
    link = new CuttableLink(server, `http://127.0.0.1:${address.port}`);
    return link;
  }

  /** Ends the fault: drops every connection, whose bytes in flight are lost, and passes new ones. */
  heal(): void {
    for (const socket of this.sockets) socket.destroy();
    this.state = "open";
  }

  async close(): Promise<void> {
    this.heal();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(client: Socket, target: Socket): void {
    for (const [socket, peer] of [
      [client, target],
      [target, client],
    ] as const) {
      this.sockets.add(socket);
      socket.on("error", () => peer.destroy());
      socket.on("close", () => {
        this.sockets.delete(socket);
        peer.destroy();
      });
    }
  }
}
