import { gunzipSync } from 'node:zlib';

const listings = new WeakMap<Buffer, readonly string[]>();

/**
 * The entry names of a local .tar.gz (ustar, GNU long names and pax paths), read on the
 * controller so that a module can name what an extraction creates without asking the host.
 * Listed once per Buffer (a local file is read once for all hosts).
 */
export function listTarEntries(archive: Buffer): readonly string[] {
  let names = listings.get(archive);
  if (!names) {
    names = readTarEntries(archive);
    listings.set(archive, names);
  }
  return names;
}

function readTarEntries(archive: Buffer): string[] {
  const tar = gunzipSync(archive);
  const names: string[] = [];
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 257, 6).startsWith('ustar') ? field(header, 345, 155) : '';
    names.push(longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100)));
    longName = undefined;
  }
  return names;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * The distinct top-level names an extraction creates, after `--strip-components=N`
 * (GNU tar counts a leading `.` as a component, as here).
 */
export function topLevelNames(entries: readonly string[], strip = 0): string[] {
  const tops = new Set<string>();
  for (const entry of entries) {
    const parts = entry
      .split('/')
      .slice(strip)
      .filter((p) => p !== '');
    const first = parts[0] === '.' ? parts[1] : parts[0];
    if (first !== undefined && first !== '.' && first !== '..') tops.add(first);
  }
  return [...tops].sort();
}
