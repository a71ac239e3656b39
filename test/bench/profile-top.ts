// Prints the functions with the most self time in a V8 .cpuprofile (node --cpu-prof), with GC
// and idle time named, so a profile can be compared before and after a change in a note.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countText] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: tsx test/bench/profile-top.ts FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)?.callFrame;
  const where = frame?.url.split('/').slice(-2).join('/') ?? '';
  const name = `${frame?.functionName || '(anonymous)'} ${where}${where ? `:${(frame?.lineNumber ?? 0) + 1}` : ''}`;
  selfTime.set(name, (selfTime.get(name) ?? 0) + delta);
  total += delta;
});
const busy = total - (selfTime.get('(idle) ') ?? 0);
console.log(`total ${(total / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms`);
const ranked = [...selfTime].filter(([name]) => name !== '(idle) ').sort((a, b) => b[1] - a[1]);
for (const [name, micros] of ranked.slice(0, Number(countText ?? 15))) {
  console.log(`${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${name}`);
}
