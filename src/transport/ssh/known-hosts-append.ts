import { appendFile, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findHostKeys, formatKnownHostsName, parseKnownHosts } from './known-hosts.js';

const inProcess = new Map<string, Promise<void>>();
const LOCK_WAIT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

/**
 * Appends `name keytype base64` to a known_hosts file (accept-new), unless the same key is
 * already there. Writers in this process queue; other processes are kept out by `FILE.lock`.
 */
export async function appendKnownHost(file: string, host: string, port: number, keyType: string, key: Buffer): Promise<void> {
  const previous = inProcess.get(file) ?? Promise.resolve();
  const next = previous.then(() => appendLocked(file, host, port, keyType, key));
  const settled = next.catch(() => undefined);
  inProcess.set(file, settled);
  try {
    await next;
  } finally {
    if (inProcess.get(file) === settled) inProcess.delete(file);
  }
}

async function appendLocked(file: string, host: string, port: number, keyType: string, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const lock = `${file}.lock`;
  await acquireLock(lock);
  try {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const known = findHostKeys(parseKnownHosts(text), host, port).keys;
    if (known.some((e) => e.key.equals(key))) return;
    const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
    const line = `${formatKnownHostsName(host, port)} ${keyType} ${key.toString('base64')}\n`;
    await appendFile(file, prefix + line, { mode: 0o600 });
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function acquireLock(lock: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.write(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
      else if (Date.now() > deadline) throw new Error(`known_hosts is locked by ${lock}; remove it if no tpx or ssh is running`);
      await sleep(delay);
    }
  }
}
