import { runMain, runStandalone } from "@mercato/platform";
import { mediaService } from "./service.js";

// Bearer tokens are verified against JWKS_URL (the auth service's key set) by runStandalone.
runMain(() => runStandalone(mediaService));
