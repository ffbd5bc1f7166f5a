import { runMain } from "@mercato/platform/service";
import { serveGateway } from "./serve.js";

// The gateway holds no bus of its own: without one its subscriptions answer SERVICE_UNAVAILABLE.
// The distributed host starts it with apps/host/src/gateway-main.ts, which hands it the NATS bus.
runMain(() => serveGateway());
