import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the pages are built from: a change to any of these makes an earlier build stale. */
const PAGE_SOURCES = ['renderer', 'shared', 'vite.config.ts', 'package-lock.json'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/**
 * A digest of the pages' sources in a checkout, or null where they are not there (a packaged
 * app). Written into the build's marker, so the collector rebuilds pages older than the code.
 */
export function pageSourcesDigest(root: string): string | null {
  if (!existsSync(join(root, 'renderer'))) return null;
  const hash = createHash('sha256');
  for (const file of PAGE_SOURCES.flatMap((p) => filesUnder(join(root, p)))) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}
