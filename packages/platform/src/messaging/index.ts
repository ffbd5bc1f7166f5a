export * from "./create-mailer.js";
export * from "./create-sms-sender.js";
export * from "./mailer.js";
export * from "./outbox-mailer.js";
export * from "./outbox-sms-sender.js";
export * from "./sms-sender.js";
export * from "./smtp-mailer.js";
export * from "./twilio-sms-sender.js";
