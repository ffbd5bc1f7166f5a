export * from "./fcm-test-server.js";
export * from "./smtp-test-server.js";
export * from "./twilio-test-server.js";
