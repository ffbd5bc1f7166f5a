export * from "./fcm-test-server.js";
export * from "./smtp-test-server.js";
export * from "./twilio-test-server.js";
export * from "./web-push-test-server.js";
