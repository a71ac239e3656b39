// The device list every benchmark serves, as the API server sends it: counters grow every
// cycle, a few routers reboot (one in 97 each cycle).
export function payloadText(devices: number, cycle: number): string {
  const items: string[] = [];
  for (let i = 0; i < devices; i += 1) {
    const mac = `02:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:00:01`;
    const rebooted = i % 97 === cycle % 97;
    const rx = rebooted ? 1000 * cycle : 5_000_000_000 + cycle * (100_000 + i * 13);
    const tx = rebooted ? 500 * cycle : 2_000_000_000 + cycle * (40_000 + i * 7);
    items.push(
      `{"name":"AP ${i}","mac":"${mac}","ip":"10.${(i >> 8) & 255}.${i & 255}.1","brand":"Ubiquiti","location":"Floor ${i % 12}","xput_down":${(i % 900) + 0.5},"xput_up":${(i % 300) + 0.25},"latency":${i % 40},"rx_bytes":${rx},"tx_bytes":${tx}}`,
    );
  }
  return `[${items.join(',')}]`;
}
