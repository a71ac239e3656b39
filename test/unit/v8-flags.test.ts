import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_V8_FLAGS, RUNTIME_V8_FLAGS } from '../../electron/core/v8-flags';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the V8 flags of the processes that host the core', () => {
  it('are the ones `npm run collector` runs with, so the bench measures what users run', () => {
    const script = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).scripts
      .collector as string;
    const flags = /node (.*?) ?--enable-source-maps dist-electron\/collector\.mjs/.exec(
      script,
    )?.[1];
    expect(flags?.split(' ')).toEqual([...CORE_V8_FLAGS]);
  });

  it('sets after start only flags that are among them', () => {
    for (const flag of RUNTIME_V8_FLAGS) expect(CORE_V8_FLAGS).toContain(flag);
  });
});
