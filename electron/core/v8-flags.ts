// The V8 flags of every process that hosts the core: the headless collector (`npm run
// collector`, whose script must list the same flags; a unit test compares them) and the tray
// app's main process. Measured at 10,000 devices (README, "Performance"):
// - a young generation of up to 2 MB per semi-space. Measured on the whole process (1,000
//   cycles at 10,000 devices, `npm run bench -- --only=process` with BT_BENCH_NODE_FLAGS,
//   2026-11-27 23:44-23:52, load 2.5-4): 16 MB gave 100 ms of CPU per cycle and 169 MB
//   resident; 4 MB 102 ms and 152 MB; 2 MB 126 ms and 147 MB, a median cycle of 155 ms. Only
//   2 MB keeps memory under 150 MB; since cycles overlap (the next poll is tracked while the
//   last one commits), the extra CPU stays off the commit path. (Before the cycles overlapped
//   and the per-cycle garbage was cut, a small young generation cost several times more.)
// - the old generation grows by 10 % over what survived a full collection (V8's default is
//   up to about 100 %): the heap stays near the live figures, so memory stays flat;
// - no `--optimize-for-size`: it kept the young generation near 1 MB, and a cycle spent
//   most of its time copying the same live objects in hundreds of scavenges.
export const CORE_V8_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--heap-growing-percent=10',
];

/**
 * The flags V8 reads on every collection, so that they still apply when set after start (an
 * Electron main process cannot be given heap flags otherwise; see electron/main/main.ts).
 */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--heap-growing-percent=10'];
