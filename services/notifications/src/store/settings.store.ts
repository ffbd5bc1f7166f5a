import { type Database, keptSecret } from "@mercato/platform";
import { settings } from "./schema.js";

/** The key unsubscribe links are signed with: made once per deployment and kept, so old links stay valid. */
export function unsubscribeKey(database: Database): Promise<string> {
  return keptSecret(database, settings, "unsubscribe_key");
}
