import { runMain, runStandalone } from "@mercato/platform";
import { itemService } from "./item-service.js";

// The testkit item service as its own process (distributed mode), for launcher tests.
runMain(() => runStandalone(itemService({ name: process.env.ITEM_SERVICE_NAME ?? "testkit" })));
