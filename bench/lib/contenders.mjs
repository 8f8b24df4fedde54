// The contenders of the benchmark: tpx, ansible-playbook, the OpenSSH floor (the same
// procedure and helper as tpx, one ssh per host) and the minimal procedure (one ssh per host,
// no helper). Each has `prepare(fleet)` (once per fleet, untimed), `command(fleet, runId)` →
// what to time, `after(fleet)` (untimed), and `records`: whether it leaves tproxy.sh's state
// on the hosts, which the bench's check then requires (bench/lib/fleet.mjs checkUpgraded).
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCH, ROOT, TPX } from './paths.mjs';
import { TARGET } from './fleet.mjs';

/**
 * The playbook tpx runs: playbooks/upgrade.yaml itself (all hosts at once through `-e serial`),
 * or, with TPX_BENCH_STRATEGY=free, a copy with `strategy: free` (each host goes through its
 * tasks without waiting for the others at every task), beside a link to playbooks/files.
 */
export function benchPlaybook(workDir) {
  const strategy = process.env.TPX_BENCH_STRATEGY;
  if (!strategy) return join(ROOT, 'playbooks', 'upgrade.yaml');
  const dir = join(workDir, 'playbook');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'files'))) symlinkSync(join(ROOT, 'playbooks', 'files'), join(dir, 'files'));
  const text = readFileSync(join(ROOT, 'playbooks', 'upgrade.yaml'), 'utf8').replace(/^ {2}hosts: all$/m, `  hosts: all\n  strategy: ${strategy}`);
  const file = join(dir, 'upgrade.yaml');
  writeFileSync(file, text);
  return file;
}

/** The variables both playbook runners get: the target, its package, the run id. */
function upgradeVars(fleet, runId) {
  return ['-e', `kuma_version=${TARGET}`, '-e', `kuma_package=${fleet.packageFile}`, '-e', `tpx_run_id=${runId}`];
}

/** tpx: `tpx run` of the upgrade playbook, all hosts at once, plain output to a file. */
export const tpx = {
  name: 'tpx',
  records: true,
  prepare(fleet) {
    fleet.tpxPlaybook = benchPlaybook(fleet.workDir);
  },
  command(fleet, runId, extraNodeArgs = []) {
    return {
      file: process.execPath,
      args: [
        ...extraNodeArgs,
        TPX,
        'run',
        fleet.tpxPlaybook,
        '-i',
        fleet.state.inventoryFile,
        '-f',
        String(fleet.state.hosts.length),
        '-e',
        'serial=100%',
        '-e',
        'max_fail_percentage=0',
        ...upgradeVars(fleet, runId),
        '--output',
        'plain',
      ],
      // The run journal goes with the bench's work dir, not into ~/.local/state.
      env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(fleet.workDir, 'state') },
    };
  },
  after() {},
};

/** ansible-playbook running bench/ansible/upgrade.yml: pipelining, forks = hosts, ControlPersist. */
export const ansible = {
  name: 'ansible',
  records: true,
  prepare(fleet) {
    const dir = join(fleet.workDir, 'ansible');
    mkdirSync(dir, { recursive: true });
    const s = fleet.state;
    const lines = ['[all]'];
    for (const h of s.hosts) lines.push(`${h.name} ansible_host=127.0.0.1 ansible_port=${h.port}`);
    lines.push(
      '',
      '[all:vars]',
      `ansible_user=${s.user}`,
      `ansible_ssh_private_key_file=${s.identityFile}`,
      'ansible_become=true',
      'ansible_python_interpreter=/usr/bin/python3',
      '',
    );
    writeFileSync(join(dir, 'inventory.ini'), lines.join('\n'));
    fleet.ansibleDir = dir;
  },
  command(fleet, runId) {
    const dir = fleet.ansibleDir;
    const controlDir = join(dir, `cp-${runId}`);
    mkdirSync(controlDir, { recursive: true });
    const cfg = join(dir, `ansible-${runId}.cfg`);
    writeFileSync(
      cfg,
      [
        '[defaults]',
        `forks = ${fleet.state.hosts.length}`,
        'host_key_checking = True',
        'gathering = explicit',
        'retry_files_enabled = False',
        'deprecation_warnings = False',
        'timeout = 30',
        `local_tmp = ${join(dir, 'tmp')}`,
        '',
        '[ssh_connection]',
        'pipelining = True',
        `ssh_args = -F /dev/null -o ControlMaster=auto -o ControlPersist=60s -o IdentitiesOnly=yes -o UserKnownHostsFile=${fleet.state.knownHostsFile} -o StrictHostKeyChecking=yes`,
        `control_path_dir = ${controlDir}`,
        '',
      ].join('\n'),
    );
    fleet.ansibleControlDir = controlDir;
    return {
      file: '/usr/bin/ansible-playbook',
      args: ['-i', join(dir, 'inventory.ini'), join(BENCH, 'ansible', 'upgrade.yml'), ...upgradeVars(fleet, runId)],
      env: { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
    };
  },
  /** Ends the ControlPersist masters of this run (they would hold connections into the next contender). */
  after(fleet) {
    const dir = fleet.ansibleControlDir;
    if (!dir || !existsSync(dir)) return;
    for (const sock of readdirSync(dir)) {
      spawnSync('ssh', ['-F', '/dev/null', '-S', join(dir, sock), '-O', 'exit', 'bench-master'], { stdio: 'ignore', timeout: 10_000 });
    }
  },
};

/** The arguments bench/floor.sh and bench/minimal.sh start with: hosts file (`NAME PORT` lines, written once per fleet), key, known_hosts, package. */
function scriptArgs(fleet) {
  if (!fleet.hostsFile) {
    fleet.hostsFile = join(fleet.workDir, 'hosts.txt');
    writeFileSync(fleet.hostsFile, fleet.state.hosts.map((h) => `${h.name} ${h.port}`).join('\n') + '\n');
  }
  return [fleet.hostsFile, fleet.state.identityFile, fleet.state.knownHostsFile, fleet.packageFile];
}

/** The floor: bench/floor.sh, one OpenSSH connection per host running the whole procedure. */
export const floor = {
  name: 'floor',
  records: true,
  prepare: scriptArgs,
  command: (fleet, runId) => ({ file: join(BENCH, 'floor.sh'), args: [...scriptArgs(fleet), runId, join(fleet.workDir, `floor-${runId}`), TARGET] }),
  after() {},
};

/**
 * The minimal procedure: bench/minimal.sh, one OpenSSH connection per host running detect,
 * flush where needed, unpack where needed, install, verify by hand — no tproxy.sh, no backup,
 * no state. Checked by its rules alone (`records: false`).
 */
export const minimal = {
  name: 'minimal',
  records: false,
  prepare: scriptArgs,
  command: (fleet, runId) => ({ file: join(BENCH, 'minimal.sh'), args: [...scriptArgs(fleet), join(fleet.workDir, `minimal-${runId}`), TARGET] }),
  after() {},
};

/** By name. */
export const CONTENDERS = { tpx, ansible, floor, minimal };
