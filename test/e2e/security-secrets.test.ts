/**
 * Planted secrets never show: a sudo password (the lab's `tpxpw` user, TPX_BECOME_PASSWORD),
 * a key passphrase (TPX_KEY_PASSPHRASE on an encrypted copy of the lab key) and a token that
 * only a `no_log` task prints (also in a failing no_log task). Each is grepped for in every
 * output and file of the runs — stdout and stderr with -vv in plain and JSON output, the
 * report, JUnit, the journals, internal-error logs — and in every process's argv on
 * the machine, sampled while the runs go (the lab hosts' processes are on it too).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labSupported, useLab } from '../helpers/lab.js';
import { journalHome, startTpx } from './faults-helpers.js';
import { onHost } from './upgrade-helpers.js';

const lab = useLab({ hosts: 2, versions: ['none'] });

/** Every file under dir (recursively), with its text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push({ path, text: readFileSync(path, 'latin1') });
  }
  return out;
}

describe.skipIf(!labSupported())('secrets', () => {
  it('a become password, a key passphrase and no_log output appear in no output, file or argv', { timeout: 180_000 }, async () => {
    const state = lab.state;
    const token = `TOKEN-${randomBytes(9).toString('hex')}`;
    const passphrase = `pass-${randomBytes(9).toString('hex')}`;
    const secrets = { 'become password': state.password, 'key passphrase': passphrase, 'no_log token': token };
    for (const h of state.hosts) await onHost(state, h.name, `umask 077; echo ${token} > /root/tpx-token`);

    const out = join(state.dir, 'secret-run');
    spawnSync('mkdir', ['-p', out]);
    const key = join(out, 'id_encrypted');
    writeFileSync(key, readFileSync(state.identityFile), { mode: 0o600 });
    expect(spawnSync('ssh-keygen', ['-q', '-p', '-f', key, '-P', '', '-N', passphrase]).status).toBe(0);
    const inventory = join(out, 'inventory.yaml');
    const hosts = state.hosts.map((h) => `    ${h.name}: { host: 127.0.0.1, port: ${h.port} }`).join('\n');
    writeFileSync(
      inventory,
      `all:\n  vars:\n    user: ${state.passwordUser}\n    identity_file: ${key}\n    known_hosts_file: ${state.knownHostsFile}\n    become: true\n  hosts:\n${hosts}\n`,
    );
    const playbook = join(out, 'secrets.yaml');
    writeFileSync(
      playbook,
      `
- hosts: all
  tasks:
    - name: sudo took the password
      command: id -u
      register: uid
      changed_when: false
    - name: read the token
      command: cat /root/tpx-token
      register: tok
      no_log: true
    - name: a no_log task that fails with the token in its output
      shell: "cat /root/tpx-token; cat /root/tpx-token >&2; exit 3"
      no_log: true
      ignore_errors: true
    - assert:
        that: uid.stdout == '0'
`,
    );

    const { env: journalEnv, dir: journalDir } = journalHome(state);
    const env = { ...journalEnv, TPX_BECOME_PASSWORD: state.password, TPX_KEY_PASSPHRASE: passphrase, TMPDIR: join(out, 'tmp') };
    spawnSync('mkdir', ['-p', env.TMPDIR]);
    const argvSeen: string[] = [];
    let sampling = true;
    // Without blocking the event loop (ps takes a while on a busy machine).
    const sampler = (async () => {
      while (sampling) {
        argvSeen.push(
          await new Promise<string>((resolve) => execFile('ps', ['-eo', 'args'], { maxBuffer: 64 * 1024 * 1024 }, (_e, stdout) => resolve(stdout ?? ''))),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const outputs: { name: string; text: string }[] = [];
    for (const mode of ['plain', 'json'] as const) {
      const run = startTpx(
        ['run', playbook, '-i', inventory, '--output', mode, '-vv', '--report', join(out, `report-${mode}.json`), '--junit', join(out, `junit-${mode}.xml`)],
        env,
      );
      const { code } = await run.done;
      expect(code, run.stdout + run.stderr).toBe(0);
      outputs.push({ name: `stdout (${mode} -vv)`, text: run.stdout }, { name: `stderr (${mode} -vv)`, text: run.stderr });
      // The runs did use what they were given: sudo ran as root, the token was read (and hidden).
      expect(run.stdout, run.stdout.slice(-2500)).toMatch(mode === 'plain' ? /sudo took the password: ok/ : /"task":"sudo took the password","status":"ok"/);
    }
    // A wrong sudo password: the failure message names neither the password tried nor the right one.
    const wrong = startTpx(['run', playbook, '-i', inventory, '--output', 'plain', '-vv', '--report', join(out, 'report-wrong.json')], {
      ...env,
      TPX_BECOME_PASSWORD: `${state.password}-wrong`,
    });
    expect((await wrong.done).code).toBe(2);
    outputs.push({ name: 'stdout (wrong password)', text: wrong.stdout }, { name: 'stderr (wrong password)', text: wrong.stderr });
    // The become error itself (not just any line with "password" in it, like the task's own name).
    expect(wrong.stdout, wrong.stdout).toMatch(/sudo on \S+ refused the become password \(incorrect password\)/);
    sampling = false;
    await sampler;

    // The state dir above the journals also holds the internal-error logs (debug/).
    const files = [...filesUnder(out), ...filesUnder(dirname(journalDir))];
    const checked = files.filter((f) => f.path !== key && f.path !== inventory && f.path !== playbook);
    expect(checked.some((f) => f.path.endsWith('.jsonl'))).toBe(true);
    expect(checked.some((f) => f.path.endsWith('.journal'))).toBe(true);
    for (const f of checked.filter((x) => /\.(json|jsonl|journal|xml)$/.test(x.path))) expect(statSync(f.path).mode & 0o777, f.path).toBe(0o600);
    const places = [...outputs, ...checked.map((f) => ({ name: f.path, text: f.text })), { name: 'argv of every process', text: argvSeen.join('\n') }];
    for (const [what, secret] of Object.entries(secrets)) {
      const wrongPassword = `${state.password}-wrong`;
      for (const p of places) {
        expect(p.text.includes(secret), `${what} found in ${p.name}`).toBe(false);
        expect(p.text.includes(wrongPassword), `the wrong password found in ${p.name}`).toBe(false);
      }
    }
    console.log(
      `secrets: 3 planted (+1 wrong password); searched ${places.length} outputs and files (${outputs.length} outputs, ${checked.length} files, ${argvSeen.length} argv samples): none found`,
    );
  });
});
