/**
 * Loaded with `node --import` into every measured child: reports the process's peak RSS when it
 * exits, so the command under test needs no bench code. stderr is a pipe, which Node writes
 * synchronously on Linux, so the line survives process.exit(). bench/run.ts looks for the key.
 */
process.on('exit', () => {
  process.stderr.write(`\n${JSON.stringify({ wxreconBenchMaxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
