import { runMain, runStandalone } from "@mercato/platform";
import { ordersService } from "./service.js";

runMain(() => runStandalone(ordersService));
