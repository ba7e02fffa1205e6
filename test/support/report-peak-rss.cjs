// Preloaded into a child process (node --require): prints its peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`peak-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
