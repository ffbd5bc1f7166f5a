// Loaded (`node --import`) into every process the distributed launcher starts. The launcher holds
// the other end of this process's IPC channel; when the channel closes, the launcher is gone (even
// killed with SIGKILL, which it cannot pass on), so the process stops as on SIGTERM and frees its
// port instead of serving on as an orphan that the next launch would collide with.
process.once("disconnect", () => {
  process.kill(process.pid, "SIGTERM");
  // A shutdown that hangs must not keep the port either.
  setTimeout(() => process.exit(1), 10_000).unref();
});
// The channel alone must not keep a process alive that would otherwise end.
process.channel?.unref();
