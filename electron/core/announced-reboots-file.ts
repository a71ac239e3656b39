import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AnnouncedRebootsStore } from './bandwidth-service';

/** Remembers announced reboots in a small JSON file, so a restart does not announce them again. */
export function announcedRebootsFile(path: string): AnnouncedRebootsStore {
  return {
    load() {
      try {
        const keys: unknown = JSON.parse(readFileSync(path, 'utf8'));
        return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
      } catch {
        return [];
      }
    },
    save(keys) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.tmp`;
      writeFileSync(temporary, JSON.stringify(keys));
      renameSync(temporary, path);
    },
  };
}
