/**
 * `tpx lab fault HOST KIND [N]`: the argument checks (no lab needed), then on a real lab host
 * through the built CLI: a refused host refuses the real OpenSSH client until `clear`, and an
 * install fault is the file the stand-in kumactl reads, gone again with `install-clear`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import { parseFaultSpec } from '../../src/lab/fault-spec.js';
import { INSTALL_FAULT_FILE } from '../../src/lab/kumactl/lab-fault.js';
import { labSshArgs, labSupported, useLab } from '../helpers/lab.js';

const REPO = join(import.meta.dirname, '../..');

describe('parseFaultSpec', () => {
  it('reads every kind, with its number where it needs one', () => {
    expect(parseFaultSpec('refuse', undefined, false)).toMatchObject({ target: 'connection', fault: { kind: 'refuse' } });
    expect(parseFaultSpec('drop', '250', false)).toMatchObject({ target: 'connection', fault: { kind: 'drop', afterMs: 250 } });
    expect(parseFaultSpec('delay', '50', false)).toMatchObject({ target: 'connection', fault: { kind: 'delay', ms: 50 } });
    expect(parseFaultSpec('clear', undefined, false)).toMatchObject({ target: 'connection', fault: null });
    expect(parseFaultSpec('install-slow', '3', true)).toMatchObject({ target: 'install', line: 'slow 3 persist' });
    expect(parseFaultSpec('install-fail-after-cleanup', undefined, false)).toMatchObject({ target: 'install', line: 'fail-after-cleanup' });
    expect(parseFaultSpec('install-clear', undefined, false)).toMatchObject({ target: 'install', line: null });
  });

  it('says what is wrong: an unknown kind lists the kinds; a missing, bad or extra number is named', () => {
    expect(() => parseFaultSpec('explode', undefined, false)).toThrow(/unknown fault "explode"; one of:\n {2}refuse/);
    expect(() => parseFaultSpec('drop', undefined, false)).toThrow(/drop needs the milliseconds .* e\.g\. `drop 500`/);
    expect(() => parseFaultSpec('delay', '-5', false)).toThrow(/delay needs/);
    expect(() => parseFaultSpec('refuse', '3', false)).toThrow(/refuse takes no number \(got "3"\)/);
  });
});

const lab = useLab({ hosts: 1, versions: ['none'] });

function tpx(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/tpx.js'), 'lab', 'fault', ...args, '--dir', lab.dir], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

function sshTrue(): { code: number | null; err: string } {
  const host = lab.state.hosts[0];
  const r = spawnSync('ssh', [...labSshArgs(lab.state, host, ['-o', 'ConnectTimeout=10']), 'true'], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, err: r.stderr };
}

describe.skipIf(!labSupported())('tpx lab fault on a lab host', () => {
  it('refuse makes the real ssh client fail to connect until clear', { timeout: 60_000 }, () => {
    expect(sshTrue().code).toBe(0);
    const set = tpx('mesh-01', 'refuse');
    expect(set.code, set.out).toBe(0);
    expect(set.out).toBe('mesh-01: connections refused (until: tpx lab fault mesh-01 clear)\n');
    const refused = sshTrue();
    expect(refused.code).toBe(255);
    expect(refused.err).toMatch(/Connection (refused|closed)|kex_exchange_identification/);
    expect(tpx('mesh-01', 'clear').code).toBe(0);
    expect(sshTrue().code).toBe(0);
  });

  it('install faults are the file the stand-in kumactl reads; install-clear removes it; a wrong host is named', { timeout: 60_000 }, async () => {
    const read = async (): Promise<string> => (await hostExec(lab.state, 'mesh-01', `cat ${INSTALL_FAULT_FILE} 2>/dev/null; true`)).stdout;
    const set = tpx('mesh-01', 'install-slow', '4', '--persist');
    expect(set.code, set.out).toBe(0);
    expect(set.out).toBe('mesh-01: every install waits 4 s half-way\n');
    expect(await read()).toBe('slow 4 persist\n');
    expect(tpx('mesh-01', 'install-clear').code).toBe(0);
    expect(await read()).toBe('');
    const wrong = tpx('mesh-07', 'refuse');
    expect(wrong.code).toBe(5);
    expect(wrong.out).toContain('lab fault: no host mesh-07 in the lab in');
  });
});
