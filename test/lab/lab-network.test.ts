import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import { runProcess } from '../../src/lab/run-process.js';
import { labSupported, useLab } from '../helpers/lab.js';

// Hosts without Kuma: with Kuma's rules, a host's TCP to and from the lab network goes to
// Envoy's ports (nothing listens there in the lab), as on a real host without kuma-dp running.
const lab = useLab({ hosts: 3, versions: ['none'] });

describe.skipIf(!labSupported())('lab network', () => {
  it('a chain of two lab hosts as jump hosts reaches a third host by its IPv4 and IPv6 lab address', async () => {
    const { state } = lab;
    const [a, b, c] = state.hosts;
    // -J starts separate ssh processes that read the config file, not -o options.
    const config = `${state.dir}/ssh_config`;
    writeFileSync(
      config,
      `Host *\n  User ${state.user}\n  IdentityFile ${state.identityFile}\n  UserKnownHostsFile ${state.knownHostsFile}\n  BatchMode yes\n`,
    );
    const r4 = await runProcess('ssh', ['-F', config, '-J', `127.0.0.1:${a.port},${b.ipv4}`, c.ipv4, 'hostname'], { timeoutMs: 20_000 });
    expect(r4.stderr).toBe('');
    expect(r4.stdout).toBe(`${c.name}\n`);
    const r6 = await runProcess('ssh', ['-F', config, '-J', `127.0.0.1:${a.port},[${b.ipv6}]`, c.ipv6, 'hostname'], { timeoutMs: 20_000 });
    expect(r6.stdout).toBe(`${c.name}\n`);
  });

  it('hosts see each other by name and address; the root namespace has no lab interface', async () => {
    const { state } = lab;
    const r = await hostExec(state, state.hosts[0], `getent ahostsv4 ${state.hosts[1].name} | head -1; ip -br addr show eth0`);
    expect(r.stdout).toContain(`${state.hosts[1].ipv4}`);
    expect(r.stdout).toContain(`${state.hosts[0].ipv4}/16`);
    expect(r.stdout).toContain(`${state.hosts[0].ipv6}/64`);
    const root = await runProcess('ip', ['-br', 'addr']);
    expect(root.stdout).not.toContain('10.123.');
  });
});
