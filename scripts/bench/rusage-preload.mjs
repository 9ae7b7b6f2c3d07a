// Loaded with `node --import` into a measured child: on exit, writes the child's own
// process.resourceUsage() (peak RSS, CPU time) to $BENCH_RUSAGE_FILE, so the parent can report
// the child's peak memory without counting itself. Only this process is measured, not its
// children, which is why measured commands are started as `node <script>` directly.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  // Nested node processes inherit the environment; only the first one reports.
  delete process.env.BENCH_RUSAGE_FILE;
  process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
}
