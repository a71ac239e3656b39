// `npm start`: check the Electron runtime, build, launch. Without the runtime it explains
// what to do in one paragraph and exits non-zero (no stack trace).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CORE_V8_FLAGS } from '../core/v8-flags';
import {
  downloadElectron,
  installedElectronBinary,
  missingRuntimeMessage,
} from './electron-runtime';
import { readSandboxFacts, sandboxProblem } from './linux-sandbox';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): void {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `Bandwidth Tracker: building failed (${args.join(' ')}); see the messages above.`,
    );
    process.exit(1);
  }
}

let binary = installedElectronBinary(ROOT);
if (binary === null) {
  console.log('Downloading the Electron runtime (first start only)…');
  const download = downloadElectron(ROOT);
  if ('error' in download) {
    console.error(missingRuntimeMessage(download.error));
    if (process.argv.includes('--demo')) {
      console.error(
        'The demo network runs there too: "npm run collector -- --source demo --ui --mysql-url mysql://root@127.0.0.1:3306/bandwidth_tracker_demo".',
      );
    }
    process.exit(1);
  }
  binary = download.binary;
}

// Ubuntu 23.10+ (AppArmor) would make Electron abort with a cryptic FATAL line: say what to do.
const sandbox = sandboxProblem(readSandboxFacts(binary));
if (sandbox !== null) {
  console.error(sandbox);
  process.exit(1);
}

run(['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
run(['node_modules/tsx/dist/cli.mjs', 'electron/tools/build-main.ts']);

// The main process hosts the core: it gets the collector's V8 flags (see v8-flags.ts).
const child = spawn(
  binary,
  [`--js-flags=${CORE_V8_FLAGS.join(' ')}`, '.', ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
