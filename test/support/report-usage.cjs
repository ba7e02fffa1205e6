// Preloaded into a child process (node --require) by the benchmark: prints its CPU time and peak
// resident set size on exit, from the process's own resource usage.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`usage user-us=${usage.userCPUTime} system-us=${usage.systemCPUTime} peak-rss-kib=${usage.maxRSS}\n`);
});
