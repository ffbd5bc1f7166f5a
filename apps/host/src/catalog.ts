import { authService } from "@mercato/auth";
import { inventoryService } from "@mercato/inventory";
import { mediaService } from "@mercato/media";
import { notificationsService } from "@mercato/notifications";
import { ordersService } from "@mercato/orders";
import type { ServiceDefinition } from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import { usersService } from "@mercato/users";

/**
 * Every service the hosts run, in start order (a service's event producers before its consumers
 * does not matter: consumers are durable). A new service is one line here.
 */
export const hostedServices: readonly ServiceDefinition<never>[] = [
  authService,
  usersService,
  sellersService,
  productsService,
  inventoryService,
  ordersService,
  notificationsService,
  mediaService,
];
