import type { GatewayModule } from "./module.js";
import { authGatewayModule } from "./modules/auth/index.js";
import { inventoryGatewayModule } from "./modules/inventory/index.js";
import { mediaGatewayModule } from "./modules/media/index.js";
import { notificationsGatewayModule } from "./modules/notifications/index.js";
import { ordersGatewayModule } from "./modules/orders/index.js";
import { payoutsGatewayModule } from "./modules/payouts/index.js";
import { productsGatewayModule } from "./modules/products/index.js";
import { sellersGatewayModule } from "./modules/sellers/index.js";
import { usersGatewayModule } from "./modules/users/index.js";

/** A service the gateway routes to, with the port it listens on by default. */
export interface UpstreamService {
  name: string;
  defaultPort: number;
}

/** The services behind the gateway; a new service is one line here. */
export const upstreamServices: readonly UpstreamService[] = [
  { name: "auth", defaultPort: 9000 },
  { name: "users", defaultPort: 9001 },
  { name: "sellers", defaultPort: 9002 },
  { name: "products", defaultPort: 9003 },
  { name: "inventory", defaultPort: 9004 },
  { name: "orders", defaultPort: 9005 },
  { name: "notifications", defaultPort: 9007 },
  { name: "media", defaultPort: 8087 },
];

/** The public surface of each domain; a new domain is one line here. */
export const gatewayModules: readonly GatewayModule[] = [
  authGatewayModule(),
  usersGatewayModule(),
  sellersGatewayModule(),
  payoutsGatewayModule(),
  productsGatewayModule(),
  inventoryGatewayModule(),
  ordersGatewayModule(),
  notificationsGatewayModule(),
  mediaGatewayModule(),
];
