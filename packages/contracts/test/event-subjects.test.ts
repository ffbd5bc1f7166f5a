import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventSubjects } from "@mercato/contracts/events";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectBreaks, subjectBreaksAgainst } from "../../../scripts/contracts/event-subjects.js";
import { buf, ROOT, tempDir } from "../../../scripts/contracts/workspace.js";

const ordersEvents = "contracts/proto/mercato/orders/v1/events.proto";

/** A copy of this repository's buf workspace whose orders events file `edit` changed. */
function editedWorkspace(dir: string, edit: (proto: string) => string): void {
  for (const path of ["buf.yaml", "contracts/proto", "contracts/vendor"]) {
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  const file = join(dir, ordersEvents);
  const before = readFileSync(file, "utf8");
  const after = edit(before);
  if (after === before) throw new Error("the edit changed nothing");
  writeFileSync(file, after);
}

describe("event subjects as contracts", () => {
  it("declares each subject once, with the message it carries", () => {
    expect(eventSubjects.orders.orderPlaced).toEqual({
      subject: "mercato.orders.order.placed",
      schema: OrderStatusChangedSchema,
    });
    const all = Object.values(eventSubjects).flatMap((domain) => Object.values(domain));
    expect(new Set(all.map((entry) => entry.subject)).size).toBe(all.length);
  });

  it("calls a removed subject or one moved to another message breaking, and a new one compatible", () => {
    const base = [
      { subject: "mercato.orders.order.placed", typeName: "mercato.orders.v1.OrderStatusChanged" },
      { subject: "mercato.orders.order.shipped", typeName: "mercato.orders.v1.OrderStatusChanged" },
    ];
    expect(
      subjectBreaks(base, [
        { subject: "mercato.orders.order.placed", typeName: "mercato.orders.v1.OrderPlaced" },
        { subject: "mercato.orders.order.returned", typeName: "mercato.orders.v1.OrderStatusChanged" },
      ]),
    ).toEqual([
      "subject mercato.orders.order.placed now carries mercato.orders.v1.OrderPlaced, not mercato.orders.v1.OrderStatusChanged",
      "subject mercato.orders.order.shipped (mercato.orders.v1.OrderStatusChanged) was removed",
    ]);
  });

  describe("a subject renamed in the proto", () => {
    const renamed = tempDir("renamed-subject");
    beforeAll(() => {
      editedWorkspace(renamed.path, (proto) =>
        proto.replace('"mercato.orders.order.shipped"', '"mercato.orders.order.dispatched"'),
      );
    });
    afterAll(() => renamed[Symbol.dispose]());

    it("fails the subject check that contracts-check runs against the base revision", () => {
      expect(subjectBreaksAgainst(ROOT, renamed.path)).toEqual([
        "subject mercato.orders.order.shipped (mercato.orders.v1.OrderStatusChanged) was removed",
      ]);
      expect(subjectBreaksAgainst(ROOT, ROOT)).toEqual([]);
    });

    // Why the check exists: buf's breaking rules compare no custom option values. Should buf start to,
    // this fails, and the subject check may go.
    it("passes buf breaking, which does not compare option values", () => {
      const res = buf(["breaking", renamed.path, "--against", ROOT], { capture: true });
      expect(res.stdout + res.stderr).toBe("");
      expect(res.status).toBe(0);
    });
  });
});
