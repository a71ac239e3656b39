// The V8 flags of every process that hosts the core: the headless collector (`npm run
// collector`, whose script must list the same flags; a unit test compares them) and the tray
// app's main process. Measured at 10,000 devices (README, "Performance"):
// - a young generation of up to 16 MB per semi-space: a cycle's short-lived objects (the
//   parsed answer, staged rows, console lines) die there instead of being promoted. With 8 MB
//   a 10,000-device cycle took about 5 scavenges, each copying the cycle's live objects, and
//   promoted them: 16 MB took 125-138 ms of CPU per cycle instead of 152-165, and a resident
//   memory of 157-160 MB instead of 161-167 after 100-120 cycles (the old generation holds
//   less of each cycle), measured side by side on 2026-11-27;
// - the old generation grows by 10 % over what survived a full collection (V8's default is
//   up to about 100 %): the heap stays near the live figures, so memory stays flat;
// - no `--optimize-for-size`: it kept the young generation near 1 MB, and a cycle spent
//   most of its time copying the same live objects in hundreds of scavenges.
export const CORE_V8_FLAGS: readonly string[] = [
  '--max-semi-space-size=16',
  '--heap-growing-percent=10',
];

/**
 * The flags V8 reads on every collection, so that they still apply when set after start (an
 * Electron main process cannot be given heap flags otherwise; see electron/main/main.ts).
 */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--heap-growing-percent=10'];
