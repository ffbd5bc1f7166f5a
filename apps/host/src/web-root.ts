import { fileURLToPath } from "node:url";

/**
 * The web application's build (apps/web/dist), which the gateway serves at `/` unless WEB_ROOT
 * names another folder; `npm start` builds it first when its sources changed.
 */
export const builtWebApp = fileURLToPath(new URL("../../web/dist", import.meta.url));
