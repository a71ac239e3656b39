import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProductionBuild } from '../../electron/collector/renderer-build';
import { pageSourcesDigest } from '../../electron/tools/page-sources';

describe('the collector knows when its built pages are older than the code', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function checkout(): { root: string; built: string } {
    const root = mkdtempSync(join(tmpdir(), 'bt-pages-'));
    dirs.push(root);
    mkdirSync(join(root, 'renderer'));
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'renderer', 'popover.tsx'), 'export const a = 1;\n');
    writeFileSync(join(root, 'shared', 'units.ts'), 'export const MB = 1_000_000;\n');
    const built = join(root, 'dist');
    mkdirSync(built);
    writeFileSync(join(built, 'popover.html'), '<!doctype html>');
    return { root, built };
  }

  it('serves a build of the current sources, rebuilds after a change or without a digest', () => {
    const { root, built } = checkout();
    const marker = (sources: string | null) =>
      writeFileSync(join(built, 'build.json'), JSON.stringify({ nodeEnv: 'production', sources }));
    marker(pageSourcesDigest(root));
    expect(isProductionBuild(built, root)).toBe(true);
    // A pull changed a shared module the pages import.
    writeFileSync(join(root, 'shared', 'units.ts'), 'export const MB = 1_048_576;\n');
    expect(isProductionBuild(built, root)).toBe(false);
    marker(pageSourcesDigest(root));
    expect(isProductionBuild(built, root)).toBe(true);
    // A build from before the digest existed.
    writeFileSync(join(built, 'build.json'), JSON.stringify({ nodeEnv: 'production' }));
    expect(isProductionBuild(built, root)).toBe(false);
  });

  it('has no digest where there are no sources (the packaged app)', () => {
    const root = mkdtempSync(join(tmpdir(), 'bt-pages-'));
    dirs.push(root);
    expect(pageSourcesDigest(root)).toBeNull();
  });
});
