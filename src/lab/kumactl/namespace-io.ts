import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { assertInHostNetns } from '../host-namespace.js';
import { runProcess } from '../run-process.js';
import type { HostIo } from './host-io.js';

/**
 * A HostIo for a lab host seen from outside: files through `/proc/<pid>/root` (the host's
 * mount namespace), programs through nsenter. Lets `labUp` run the stand-in's install for
 * many hosts in its own process instead of starting node once per host. Output is collected.
 */
export function namespaceHostIo(anchorPid: number, netns: string): HostIo & { readonly output: () => { stdout: string; stderr: string } } {
  assertInHostNetns(anchorPid, netns);
  const root = `/proc/${anchorPid}/root`;
  const inHost = (path: string): string => (path === '/proc/net/if_inet6' ? `/proc/${anchorPid}/net/if_inet6` : root + path);
  let stdout = '';
  let stderr = '';
  return {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    run: (file, args, input) => runProcess('nsenter', ['-t', String(anchorPid), '--net', '--mount', '--', file, ...args], { input, timeoutMs: 60_000 }),
    readFile: (p) => readFile(inHost(p), 'utf8').catch(() => null),
    writeFile: (p, t) => writeFile(inHost(p), t, { mode: 0o600 }),
    remove: (p) => rm(inHost(p), { force: true }),
    exists: (p) => existsSync(inHost(p)),
    isRoot: () => true,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    env: {},
    readStdin: async () => '',
    output: () => ({ stdout, stderr }),
  };
}
