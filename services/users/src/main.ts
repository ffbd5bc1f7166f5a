import { parseConfig, runMain, runStandalone } from "@mercato/platform";
import { authenticatorFromConfig, usersConfigSchema } from "./config.js";
import { usersService } from "./service.js";

runMain(async () => {
  const authenticate = authenticatorFromConfig(parseConfig(usersConfigSchema));
  return runStandalone(usersService, authenticate ? { authenticate } : {});
});
