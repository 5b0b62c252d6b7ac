import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Datagrams from test/golden/udpcast/captured.txt, by name. */
export function loadGolden(): Map<string, Buffer> {
  const file = fileURLToPath(new URL('../../../golden/udpcast/captured.txt', import.meta.url));
  const out = new Map<string, string>();
  let current: string | null = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('== ')) {
      current = line.split(/\s+/)[1]!;
      out.set(current, '');
    } else if (current !== null && !line.startsWith('#')) {
      out.set(current, out.get(current)! + line.split('#')[0]!.replace(/\s/g, ''));
    }
  }
  return new Map([...out].map(([k, v]) => [k, Buffer.from(v, 'hex')]));
}
