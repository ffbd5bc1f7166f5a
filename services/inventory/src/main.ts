import { runMain, runStandalone } from "@mercato/platform";
import { inventoryService } from "./service.js";

runMain(() => runStandalone(inventoryService));
