// The package as shipped, checked offline: electron-builder's unpacked (--dir) Linux target,
// built with a stand-in Electron distribution (`electronDist`: a folder with an `electron`
// executable, which is all electron-builder copies), then app.asar opened with @electron/asar.
// Real installers (AppImage, deb, NSIS, dmg) stay `npm run dist`, on a machine with internet.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedElectronBinary } from '../../electron/tools/electron-runtime';
import { buildMainBundles, MAIN_EXTERNALS } from '../../electron/tools/main-bundles';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILDER_CONFIG = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');

/** The `electronFuses:` block of electron-builder.yml, as `{ fuse: value }`. */
function configuredFuses(yaml: string): Record<string, boolean> {
  const block = /^electronFuses:\n((?: {2}.*\n)+)/m.exec(yaml)?.[1] ?? '';
  return Object.fromEntries(
    [...block.matchAll(/^ {2}(\w+): (true|false)$/gm)].map((m) => [m[1], m[2] === 'true']),
  );
}

let staging: string;
let asarPath: string;
let files: string[];
let builderOutput = '';

beforeAll(async () => {
  // A staging copy of the project with its own dist/, so this build never races the other test
  // files that build pages, and its own production install (from npm's cache, as `npm ci` left
  // it): electron-builder reads the dependency tree with `npm ls`, which cannot be trusted on a
  // node_modules linked in from elsewhere once the test run has touched it.
  staging = mkdtempSync(join(tmpdir(), 'bt-package-'));
  copyFileSync(join(ROOT, 'package.json'), join(staging, 'package.json'));
  copyFileSync(join(ROOT, 'package-lock.json'), join(staging, 'package-lock.json'));
  const install = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: staging, encoding: 'utf8', timeout: 120_000 },
  );
  if (install.status !== 0)
    throw new Error(`npm ci --omit=dev failed:\n${install.stdout}\n${install.stderr}`);
  // Fuses need a real Electron binary (the stand-in has no fuse sentinel): see the skipped test.
  writeFileSync(
    join(staging, 'electron-builder.yml'),
    BUILDER_CONFIG.replace(/^electronFuses:\n(?: {2}.*\n)+/m, ''),
  );
  const vite = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--logLevel',
      'error',
      '--outDir',
      join(staging, 'dist', 'renderer'),
      '--emptyOutDir',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (vite.status !== 0) throw new Error(`vite build failed:\n${vite.stdout}\n${vite.stderr}`);
  await buildMainBundles(join(staging, 'dist-electron'), { root: ROOT });

  const electronDist = join(staging, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in Electron"\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
  const builder = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/electron-builder/cli.js'),
      '--dir',
      '--linux',
      '--x64',
      '--projectDir',
      staging,
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${join(staging, 'release')}`,
    ],
    { cwd: staging, encoding: 'utf8', timeout: 150_000 },
  );
  builderOutput = `${builder.stdout}\n${builder.stderr}`;
  if (builder.status !== 0) throw new Error(`electron-builder failed:\n${builderOutput}`);
  asarPath = join(staging, 'release', 'linux-unpacked', 'resources', 'app.asar');
  files = asar.listPackage(asarPath, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
}, 180_000);

afterAll(() => {
  if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
});

/** Production packages per package-lock.json: the `node_modules/...` paths not marked dev. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, info]) => path.startsWith('node_modules/') && !info.dev && !info.devOptional)
    .map(([path]) => `/${path}`)
    .sort();
}

describe('the packaged app (electron-builder --dir, offline)', () => {
  it('holds the main and preload bundles, the three pages, package.json and production dependencies only', () => {
    expect(existsSync(join(staging, 'release', 'linux-unpacked', 'bandwidth-tracker'))).toBe(true);
    const outside = files.filter((f) => !f.startsWith('/node_modules/') && f !== '/node_modules');
    const pages = outside.filter((f) => f.startsWith('/dist/renderer/'));
    expect(outside.filter((f) => !f.startsWith('/dist/renderer/')).sort()).toEqual(
      [
        '/dist',
        '/dist-electron',
        '/dist-electron/main.cjs',
        '/dist-electron/preload.cjs',
        '/dist/renderer',
        '/package.json',
      ].sort(),
    );
    for (const name of ['popover', 'history', 'settings']) {
      expect(pages).toContain(`/dist/renderer/${name}.html`);
      // Each page's scripts and styles are in the package.
      const html = asar.extractFile(asarPath, `dist/renderer/${name}.html`).toString();
      for (const [, ref] of html.matchAll(/(?:src|href)="\.\/([^"]+)"/g))
        expect(pages).toContain(`/dist/renderer/${ref}`);
    }
    expect(pages.every((f) => /\.(html|js|css|svg|png)$/.test(f) || !f.includes('.'))).toBe(true);
    // No source maps, no TypeScript sources, no tests anywhere outside the dependencies.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(
      outside.filter(
        (f) => /\.(ts|tsx)$/.test(f) || /^\/(test|electron|renderer|shared)(\/|$)/.test(f),
      ),
    ).toEqual([]);
    // The dependencies are exactly the production ones of package-lock.json: no devDependency.
    const shipped = files
      .filter((f) => /^\/node_modules\/(?:.*\/node_modules\/)?(?:@[^/]+\/)?[^/@]+$/.test(f))
      .filter((f) => files.includes(`${f}/package.json`))
      .sort();
    // mysql2 names @types/node as a peer dependency, so npm counts it (and its undici-types) as
    // production; electron-builder leaves type-only packages out, rightly: they hold no code.
    const typeOnly = ['/node_modules/@types/node', '/node_modules/undici-types'];
    expect(shipped).toEqual(productionPackages().filter((p) => !typeOnly.includes(p)));
    expect(shipped).toContain('/node_modules/mysql2');
    for (const dev of ['electron', 'react', 'react-dom', 'chart.js', 'vite', 'esbuild', 'vitest'])
      expect(files).not.toContain(`/node_modules/${dev}`);
    const manifest = JSON.parse(asar.extractFile(asarPath, 'package.json').toString()) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(manifest.main).toBe('dist-electron/main.cjs');
    expect(Object.keys(manifest.dependencies)).toEqual(['mysql2']);
  });

  it('resolves every module the main bundle requires inside the package', () => {
    const extracted = join(staging, 'extracted');
    asar.extractAll(asarPath, extracted);
    const main = readFileSync(join(extracted, 'dist-electron', 'main.cjs'), 'utf8');
    const required = [
      ...new Set([...main.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1] ?? '')),
    ];
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const external = required.filter((m) => !builtins.has(m) && m !== 'electron').sort();
    // mysql2 (through mysql2/promise) is the only one, and it is declared external on purpose.
    expect(external).toEqual(['mysql2/promise']);
    expect(external.every((m) => MAIN_EXTERNALS.includes(m))).toBe(true);
    // Load each from the extracted package alone (no NODE_PATH, nothing from the project), and
    // check that every file it pulled in came from inside the package.
    const probe = `
      const { createRequire } = require('node:module');
      const load = createRequire(${JSON.stringify(join(extracted, 'dist-electron', 'main.cjs'))});
      for (const name of ${JSON.stringify(external)}) load(name);
      const outside = Object.keys(require.cache).filter((f) => !f.startsWith(${JSON.stringify(extracted)}));
      console.log(JSON.stringify({ loaded: Object.keys(require.cache).length, outside }));`;
    const run = spawnSync(process.execPath, ['-e', probe], {
      cwd: tmpdir(),
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '' },
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { loaded: number; outside: string[] };
    expect(result.outside).toEqual([]);
    expect(result.loaded).toBeGreaterThan(10);
    // The preload needs nothing but Electron.
    const preload = readFileSync(join(extracted, 'dist-electron', 'preload.cjs'), 'utf8');
    expect([...preload.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
  });

  it('sets the security fuses and the deb maintainer in electron-builder.yml', () => {
    expect(configuredFuses(BUILDER_CONFIG)).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(BUILDER_CONFIG).toMatch(/^deb:\n(?: {2}.*\n)* {2}maintainer: .+ <.+@.+>$/m);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts.dist).toBe(
      'npm run typecheck && npm run build && electron-builder --config electron-builder.yml',
    );
  });

  it('flips the fuses in the Electron binary', (ctx) => {
    const binary = installedElectronBinary(ROOT);
    if (binary === null) {
      return ctx.skip(
        'flipping fuses needs a real Electron binary with its fuse sentinel; the stand-in has none and the real one cannot be downloaded here (npm run dist flips them)',
      );
    }
    // With the real runtime: the same --dir build with the fuses on; electron-builder fails if
    // a fuse cannot be flipped.
    writeFileSync(join(staging, 'electron-builder-fuses.yml'), BUILDER_CONFIG);
    const builder = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/electron-builder/cli.js'),
        '--dir',
        '--linux',
        '--projectDir',
        staging,
        '--config',
        'electron-builder-fuses.yml',
        `-c.electronDist=${dirname(binary)}`,
        `-c.directories.output=${join(staging, 'release-fuses')}`,
      ],
      { cwd: staging, encoding: 'utf8', timeout: 150_000 },
    );
    expect(builder.stdout + builder.stderr).toContain('executing @electron/fuses');
    expect(builder.status).toBe(0);
  }, 180_000);
});
