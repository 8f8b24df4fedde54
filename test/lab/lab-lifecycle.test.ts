import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostExec } from '../../src/lab/host-namespace.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labDown } from '../../src/lab/lab-down.js';
import { labUp } from '../../src/lab/lab-up.js';
import { listLabNetns } from '../../src/lab/network.js';
import { LabError } from '../../src/lab/prerequisites.js';
import { runProcess } from '../../src/lab/run-process.js';
import { labSshArgs, labSupported } from '../helpers/lab.js';

/** PIDs whose command line mentions the dir. */
async function processesMentioning(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const p of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(dir) && Number(p) !== process.pid) pids.push(Number(p));
  }
  return pids;
}

describe.skipIf(!labSupported())('lab up / down', () => {
  it('refuses a second lab in the same dir, and down leaves nothing: namespaces, processes, users, sudoers, dir', async () => {
    const dir = mkdtempSync('/var/tmp/tpx-lab-life-');
    const passwdBefore = readFileSync('/etc/passwd', 'utf8');
    const state = await labUp({ dir, hosts: 2, versions: ['2.9.2'] });
    try {
      await expect(labUp({ dir, hosts: 2 })).rejects.toThrow(/a lab already exists in .*lab down --dir/);
      // A session left running on a host is the lab's too.
      await runProcess('ssh', [...labSshArgs(state, state.hosts[0]), 'nohup sleep 600 >/dev/null 2>&1 &']);
      expect((await listLabNetns(state.labId)).length).toBe(3);
      expect((await processesMentioning(dir)).length).toBeGreaterThan(0);
      // What someone saved in the lab dir goes with it, and down names it.
      writeFileSync(join(dir, 'report.json'), '{}');
    } finally {
      const result = await labDown(dir);
      expect(result.found).toBe(true);
      expect(result.others).toEqual(['report.json']);
    }
    expect(await listLabNetns(state.labId)).toEqual([]);
    expect(await processesMentioning(dir)).toEqual([]);
    const sleepers = await runProcess('pgrep', ['-f', '^sleep 600$']);
    expect(sleepers.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync('/etc/passwd', 'utf8')).toBe(passwdBefore);
    expect(existsSync('/etc/sudoers.d/tpx-lab')).toBe(false);
    // Idempotent.
    expect((await labDown(dir)).found).toBe(false);
  });

  it('down works after a half-built lab (only the id file and some namespaces exist)', async () => {
    const dir = mkdtempSync('/var/tmp/tpx-lab-half-');
    const labId = `h${Date.now().toString(36).slice(-5)}`;
    await runProcess('sh', ['-c', `echo ${labId} > ${dir}/lab-id && ip netns add tpxlab-${labId}-1 && ip netns add tpxlab-${labId}-sw`]);
    expect((await listLabNetns(labId)).length).toBe(2);
    await labDown(dir);
    expect(await listLabNetns(labId)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects a lab dir that the hosts would hide, before making anything', async () => {
    await expect(labUp({ dir: '/tmp/tpx-lab-x', hosts: 1 })).rejects.toThrow(LabError);
    await expect(labUp({ dir: '/tmp/tpx-lab-x', hosts: 1 })).rejects.toThrow(/cannot be under \/tmp/);
    expect(existsSync('/tmp/tpx-lab-x')).toBe(false);
  });

  it('tpx lab up as a non-root user: exit 1 and one line saying what to do', async () => {
    // A copy that `nobody` can read: the checkout itself may be private (a clone in a 0700 dir).
    const copy = mkdtempSync('/var/tmp/tpx-nonroot-copy-');
    try {
      chmodSync(copy, 0o755);
      for (const part of ['bin', 'dist', 'package.json', 'node_modules']) cpSync(part, `${copy}/${part}`, { recursive: true });
      const r = await runProcess('setpriv', [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        process.execPath,
        `${copy}/bin/tpx.js`,
        'lab',
        'up',
        '--dir',
        '/var/tmp/tpx-lab-nonroot',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('tpx: tpx lab needs root (network namespaces, iptables, sshd): run it with sudo\n');
      expect(existsSync('/var/tmp/tpx-lab-nonroot')).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('--kumactl PATH: every host gets that program as /opt/kuma/<version>/bin/kumactl and is seeded by running it', async () => {
    const dir = mkdtempSync('/var/tmp/tpx-lab-real-');
    const fake = `${dir}-kumactl`;
    writeFileSync(fake, '#!/bin/sh\necho "$@" >> /var/lib/tpx/fake-kumactl.log\n', { mode: 0o755 });
    try {
      const state = await labUp({ dir, hosts: 2, versions: ['2.11.0', 'none'], kumactl: fake });
      const r = await hostExec(state, state.hosts[0], 'readlink /opt/kuma/2.11.0/bin/kumactl; cat /var/lib/tpx/fake-kumactl.log');
      expect(r.stdout).toBe(`${fake}\ninstall transparent-proxy --kuma-dp-user kuma-dp --redirect-dns\n`);
      const none = await hostExec(state, state.hosts[1], 'ls /opt/kuma 2>&1; ls /var/lib/tpx');
      expect(none.stdout).toMatch(/No such file/);
    } finally {
      await labDown(dir);
      rmSync(fake, { force: true });
    }
  });
});
