import { connect } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import { labStatus, sshBanner } from '../../src/lab/lab-status.js';
import { setLabFault } from '../../src/lab/faults.js';
import { FOREIGN_SAVED_LINES } from '../../src/lab/seed-rules.js';
import { runProcess } from '../../src/lab/run-process.js';
import type { LabHost, LabState } from '../../src/lab/types.js';
import { labSshArgs, labSupported, useLab } from '../helpers/lab.js';

const versions = ['2.7.4', '2.8.3', '2.9.2', '2.9.2-nocomments', 'none', '2.10.1'];
const lab = useLab({ hosts: 6, versions, packages: ['2.10.1'] });

/** Runs a command with the real OpenSSH client through the bridge. */
function ssh(state: LabState, host: LabHost, command: string, extra: string[] = [], user = state.user) {
  return runProcess('ssh', [...labSshArgs(state, host, ['-o', 'ConnectTimeout=5', ...extra], user), command], { timeoutMs: 30_000 });
}

describe.skipIf(!labSupported())('lab fleet', () => {
  it('writes an inventory with every host, its port and version groups, and a state file only root can read', () => {
    const { state } = lab;
    const inventory = readFileSync(state.inventoryFile, 'utf8');
    for (const h of state.hosts) expect(inventory).toContain(`${h.name}:\n      host: 127.0.0.1\n      port: ${h.port}\n`);
    for (const group of ['kuma_2_7', 'kuma_2_8', 'kuma_2_9', 'kuma_2_10', 'kuma_none', 'kuma_nocomments']) expect(inventory).toContain(`    ${group}:`);
    expect(inventory).toContain(`identity_file: ${state.identityFile}`);
    expect(statSync(`${state.dir}/state.json`).mode & 0o777).toBe(0o600);
    expect(existsSync(`${state.dir}/packages/kuma-2.10.1.tar.gz`)).toBe(true);
  });

  it.each(versions.map((v, i) => ({ v, i })))(
    'host with $v: ssh + sudo iptables-save shows its rules and the non-Kuma rules, IPv4 and IPv6',
    async ({ v, i }) => {
      const { state } = lab;
      const host = state.hosts[i];
      const r = await ssh(state, host, 'hostname; sudo -n iptables-save; echo =====; sudo -n ip6tables-save');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const [name, ...rest] = r.stdout.split('\n');
      expect(name).toBe(host.name);
      const [v4, v6] = rest.join('\n').split('=====');
      for (const [saved, family] of [
        [v4, 'ipv4'],
        [v6, 'ipv6'],
      ] as const) {
        for (const line of FOREIGN_SAVED_LINES[family]) expect(saved).toContain(line + '\n');
        const kuma = v !== 'none';
        const marked = kuma && !v.startsWith('2.7') && !v.startsWith('2.8') && !v.endsWith('-nocomments');
        expect(saved.includes('-j KUMA_MESH_OUTBOUND')).toBe(kuma);
        expect(saved.includes('kuma/mesh/transparent/proxy/')).toBe(marked);
      }
      // --redirect-dns with the lab's IPv4 nameserver; no IPv6 nameserver.
      if (v !== 'none') expect(v4).toMatch(/-A OUTPUT -d 10\.123\.0\.1\/32 -p udp .*--dport 53 -j REDIRECT --to-ports 15053/);
      const kumactl = await ssh(state, host, `ls /opt/kuma 2>/dev/null; /opt/kuma/${v.replace('-nocomments', '')}/bin/kumactl version 2>/dev/null`);
      expect(kumactl.stdout).toBe(v === 'none' ? '' : `${v.replace('-nocomments', '')}\nClient: Kuma ${v.replace('-nocomments', '')}\n`);
    },
  );

  it('sudo needs the password for the password user: -n fails, the password works', async () => {
    const { state } = lab;
    const host = state.hosts[0];
    const without = await ssh(state, host, 'sudo -n true', [], state.passwordUser);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('a password is required');
    const wrong = await ssh(state, host, `echo wrong-${state.password} | sudo -S -p '' id -u`, [], state.passwordUser);
    expect(wrong.code).not.toBe(0);
    const right = await ssh(state, host, `echo '${state.password}' | sudo -S -p '' id -u`, [], state.passwordUser);
    expect(right.stdout).toBe('0\n');
    expect(right.code).toBe(0);
  });

  it('password login works for the password user (no key)', async () => {
    const { state } = lab;
    const host = state.hosts[1];
    // sshpass is not installed: use SSH_ASKPASS with a script that prints the password.
    const askpass = `${state.dir}/askpass.sh`;
    await runProcess('sh', ['-c', `printf '#!/bin/sh\\necho %s\\n' '${state.password}' > ${askpass} && chmod 700 ${askpass}`]);
    const r = await runProcess(
      'setsid',
      [
        '-w',
        'ssh',
        '-o',
        `UserKnownHostsFile=${state.knownHostsFile}`,
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'PreferredAuthentications=password',
        '-o',
        'NumberOfPasswordPrompts=1',
        '-p',
        String(host.port),
        `${state.passwordUser}@127.0.0.1`,
        'id -un',
      ],
      { env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, timeoutMs: 20_000 },
    );
    expect(r.stdout).toBe(`${state.passwordUser}\n`);
  });

  it('each host has its own /opt, /var/lib/tpx, /tmp, /etc, /usr and /var/{cache,log,spool}', async () => {
    const { state } = lab;
    const [a, b] = state.hosts;
    const files = [
      '/opt/only-a',
      '/var/lib/tpx/only-a',
      '/tmp/only-a',
      '/etc/only-a',
      '/usr/local/only-a',
      '/var/cache/only-a',
      '/var/log/only-a',
      '/var/spool/only-a',
    ];
    await hostExec(state, a, files.map((f) => `echo a > ${f}`).join(' && '));
    const seen = await hostExec(state, b, `ls ${files.join(' ')} 2>&1 | grep -c "No such file"`);
    expect(seen.stdout.trim()).toBe(String(files.length));
    // Nothing the hosts wrote reached the machine itself (checked on what the test made, not on /var/lib/tpx: other software may have one).
    expect(files.filter((f) => existsSync(f))).toEqual([]);
    const own = await hostExec(state, a, `cat ${files.join(' ')}`);
    expect(own.stdout).toBe('a\n'.repeat(files.length));
    await hostExec(state, a, `rm -f ${files.join(' ')}`);
  });

  it('lab status: every host reachable', async () => {
    const status = await labStatus(lab.dir);
    expect(status?.bridgeAlive).toBe(true);
    expect(status?.hosts.map((h) => h.reachable)).toEqual(versions.map(() => true));
  });

  describe('fault hooks', () => {
    const connectResult = (port: number): Promise<string> =>
      new Promise((resolve) => {
        const s = connect({ host: '127.0.0.1', port });
        s.setTimeout(1500, () => {
          s.destroy();
          resolve('timeout');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        s.on('data', (d) => {
          s.destroy();
          resolve(d.toString().startsWith('SSH-2.0-') ? 'banner' : 'data');
        });
      });

    it('refuse: ECONNREFUSED until cleared', async () => {
      const { state } = lab;
      const h = state.hosts[2];
      await setLabFault(state.dir, h.name, { kind: 'refuse' });
      expect(await connectResult(h.port)).toBe('ECONNREFUSED');
      expect(await connectResult(state.hosts[3].port)).toBe('banner');
      await setLabFault(state.dir, h.name, null);
      expect(await connectResult(h.port)).toBe('banner');
    });

    it('hang: accepts and never answers', async () => {
      const { state } = lab;
      const h = state.hosts[2];
      await setLabFault(state.dir, h.name, { kind: 'hang' });
      expect(await connectResult(h.port)).toBe('timeout');
      const r = await ssh(state, h, 'true', ['-o', 'ConnectTimeout=1']);
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/timed out/i);
      await setLabFault(state.dir, h.name, null);
      expect(await sshBanner(h.port)).toBe(true);
    });

    it('drop: serves, then cuts the connection after afterMs', async () => {
      const { state } = lab;
      const h = state.hosts[2];
      // Generous margins: an ssh login can take seconds on a loaded machine. The command
      // would run 40 s; being cut well before that is what the fault promises.
      await setLabFault(state.dir, h.name, { kind: 'drop', afterMs: 6000 });
      const started = Date.now();
      const r = await ssh(state, h, 'echo started; sleep 40; echo finished');
      expect(r.stdout).toBe('started\n');
      expect(r.code).toBe(255);
      expect(Date.now() - started).toBeLessThan(30_000);
      await setLabFault(state.dir, h.name, null);
      expect((await ssh(state, h, 'echo ok')).stdout).toBe('ok\n');
    });
  });
});
