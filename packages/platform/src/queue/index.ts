export * from "./bullmq-queue.js";
export * from "./create-job-queue.js";
export * from "./job-queue.js";
export * from "./memory-queue.js";
