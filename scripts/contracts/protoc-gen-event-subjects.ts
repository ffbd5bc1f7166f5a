// A protoc plugin (run by `buf generate`, see buf.gen.yaml) that writes the event subject map
// @mercato/contracts/events from the (mercato.events.v1.subject) options of the whole module at once.
import { readFileSync } from "node:fs";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  type CodeGeneratorResponse,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
} from "@bufbuild/protobuf/wkt";
import { declaredSubjects, EVENT_SUBJECTS_FILE, renderEventSubjects } from "./event-subjects.js";

const request = fromBinary(CodeGeneratorRequestSchema, readFileSync(0));
let response: CodeGeneratorResponse;
try {
  const content = renderEventSubjects(declaredSubjects(request.protoFile));
  response = create(CodeGeneratorResponseSchema, {
    supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
    file: [{ name: EVENT_SUBJECTS_FILE, content }],
  });
} catch (error: unknown) {
  response = create(CodeGeneratorResponseSchema, {
    error: error instanceof Error ? error.message : String(error),
  });
}
process.stdout.write(toBinary(CodeGeneratorResponseSchema, response));
