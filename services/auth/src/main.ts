import { runMain, runStandalone } from "@mercato/platform";
import { authService } from "./service.js";

runMain(() => runStandalone(authService));
