// `npm run gen`: vendor protovalidate, lint and format-check the protos, then regenerate
// packages/contracts/src/gen from scratch so that deleted protos leave no generated files behind: the
// Protobuf-ES code and the event subject map (events.ts, by scripts/contracts/protoc-gen-event-subjects.ts).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { vendorProtovalidate } from "./contracts/protovalidate.js";
import { buf, GEN_DIR, PROTO_DIR, ROOT } from "./contracts/workspace.js";

function step(name: string, ok: boolean, hint = ""): void {
  if (ok) return;
  console.error(`gen: ${name} failed${hint ? `; ${hint}` : ""}`);
  process.exit(1);
}

try {
  const { path, written } = vendorProtovalidate();
  console.log(`gen: ${path} ${written ? "written" : "up to date"}`);
} catch (err: unknown) {
  console.error(`gen: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

step("buf lint", buf(["lint"]).status === 0);
step(
  "buf format",
  buf(["format", "--diff", "--exit-code", PROTO_DIR]).status === 0,
  `apply it with \`npx buf format -w ${PROTO_DIR}\``,
);

rmSync(join(ROOT, GEN_DIR), { recursive: true, force: true });
step("buf generate", buf(["generate"]).status === 0);
console.log(`gen: ${GEN_DIR} regenerated`);
