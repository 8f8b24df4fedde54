import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConnectionSpec } from '../../../src/transport/ssh/resolve-connection-spec.js';

describe('resolveConnectionSpec', () => {
  let home: string;
  let configFile: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'tpx-home-'));
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_ecdsa'), 'x');
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'x');
    configFile = join(home, '.ssh', 'config');
    writeFileSync(
      configFile,
      [
        'Host mesh-*',
        '  HostName %h.internal',
        '  User ops',
        '  Port 2222',
        '  IdentityFile ~/.ssh/fleet_key',
        '  IdentityFile ~/.ssh/%r_key',
        '  ProxyJump jump@bastion:22,second',
        'Host direct',
        '  ProxyJump none',
        'Host *',
        '  User fallback',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ USER: 'me', HOME: '/nonexistent', ...extra });

  it('uses OpenSSH defaults when nothing is configured', () => {
    const spec = resolveConnectionSpec('web', {}, { home, sshConfigFile: join(home, 'none'), env: env() });
    expect(spec).toEqual({
      name: 'web',
      host: 'web',
      port: 22,
      user: 'me',
      identityFiles: [join(home, '.ssh', 'id_ecdsa'), join(home, '.ssh', 'id_rsa')],
      password: undefined,
      becomePassword: undefined,
      proxyJump: [],
      knownHostsFile: join(home, '.ssh', 'known_hosts'),
      hostKeyChecking: 'strict',
      connectTimeoutMs: 10_000,
      keepaliveIntervalMs: 15_000,
      agent: undefined,
    });
  });

  it('reads ~/.ssh/config for the host', () => {
    const spec = resolveConnectionSpec('mesh-01', {}, { home, sshConfigFile: configFile, env: env({ SSH_AUTH_SOCK: '/tmp/agent.sock' }) });
    expect(spec).toMatchObject({
      host: 'mesh-01.internal',
      port: 2222,
      user: 'ops',
      identityFiles: [join(home, '.ssh', 'fleet_key'), join(home, '.ssh', 'ops_key')],
      proxyJump: ['jump@bastion:22', 'second'],
      agent: '/tmp/agent.sock',
    });
  });

  it('lets inventory values win over the config', () => {
    const spec = resolveConnectionSpec(
      'mesh-02',
      {
        host: '10.0.0.12',
        port: 22,
        user: 'tpx',
        identityFile: '~/keys/id',
        proxyJump: [],
        hostKeyChecking: 'accept-new',
        connectTimeout: 3,
        knownHostsFile: '~/kh',
      },
      { home, sshConfigFile: configFile, env: env() },
    );
    expect(spec).toMatchObject({
      host: '10.0.0.12',
      port: 22,
      user: 'tpx',
      identityFiles: [join(home, 'keys', 'id')],
      proxyJump: [],
      hostKeyChecking: 'accept-new',
      connectTimeoutMs: 3000,
      knownHostsFile: join(home, 'kh'),
    });
  });

  it('honours ProxyJump none and falls back to Host * for the user', () => {
    const spec = resolveConnectionSpec('direct', {}, { home, sshConfigFile: configFile, env: env() });
    expect(spec.proxyJump).toEqual([]);
    expect(spec.user).toBe('fallback');
  });

  it('takes the become password from TPX_BECOME_PASSWORD when the inventory has none', () => {
    const spec = resolveConnectionSpec('web', {}, { home, env: env({ TPX_BECOME_PASSWORD: 'from-env-pw' }) });
    expect(spec.becomePassword).toBe('from-env-pw');
    expect(resolveConnectionSpec('web', { becomePassword: 'inv-pw' }, { home, env: env({ TPX_BECOME_PASSWORD: 'x' }) }).becomePassword).toBe('inv-pw');
  });
});
