// Prints buf/validate/validate.proto from @bufbuild/protovalidate into contracts/vendor, after checking that
// buf compiles it to exactly the descriptor the package embeds. `npm run gen` runs this first.
// Usage: npx tsx scripts/vendor-protovalidate.ts
import { vendorProtovalidate } from "./contracts/protovalidate.js";

try {
  const { path, written } = vendorProtovalidate();
  console.log(`vendor: ${path} ${written ? "written" : "up to date"} (round-trip verified)`);
} catch (err: unknown) {
  console.error(`vendor: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
