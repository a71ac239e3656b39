import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g;
function importsOf(file: string): string[] {
  return [...readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? '');
}

describe('layering', () => {
  it('keeps the core and the collector free of Electron, so they run in plain Node', () => {
    const offenders = [
      ...sourceFiles('electron/core'),
      ...sourceFiles('electron/collector'),
    ].filter((file) =>
      importsOf(file).some((spec) => spec === 'electron' || spec.startsWith('electron/')),
    );
    expect(sourceFiles('electron/core').length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('keeps shared/ free of Node, Electron and database imports, so the renderer can use it', () => {
    const offenders = sourceFiles('shared').filter((file) =>
      importsOf(file).some(
        (spec) => /^(node:|electron|mysql2)/.test(spec) || spec.includes('/electron/'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
