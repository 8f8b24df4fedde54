/**
 * The differential tests' tools (test/e2e/ansible-compat.test.ts, *-compat.test.ts): twin
 * lab fleets, one run by tpx and one by ansible-playbook (ansible-core from Debian), the
 * recaps and task outcomes of both, a dump of what a playbook left on a host to compare them
 * by, and the rounds (a first run, a second, one in check mode) that compare them all.
 *
 * Ansible writes nothing to ~: HOME, ANSIBLE_HOME, the local and remote temp dirs and the
 * SSH control sockets all live in a temp dir, and the SSH masters are stopped at the end.
 * Under CI a missing ansible-playbook fails the tests; elsewhere they are skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { ensureBuilt, runTpx } from '../cli/run-built-tpx.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { ANSIBLE_JSON_ENV } from '../helpers/ansible-json.js';

export const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
export const hasAnsible = spawnSync(ANSIBLE_PLAYBOOK, ['--version'], { stdio: 'ignore' }).status === 0;
export const enabled = labSupported() && (hasAnsible || Boolean(process.env.CI));

/** What the playbook touched on one host: each path with type, mode, owner, link target, and file contents. */
export async function dumpHost(lab: LabState, host: string, dirs = `/opt/compat /home/${lab.user}/compat`): Promise<string> {
  const script = [
    `find ${dirs} -printf '%p %y %m %u:%g %l\\n' 2>/dev/null | sort`,
    `find ${dirs} -type f 2>/dev/null | sort | while read -r f; do echo "== $f"; cat "$f"; done`,
  ].join('; ');
  const r = await hostExec(lab, host, script);
  return r.stdout;
}

/** The recap columns both tools count. */
export type Recap = Record<string, { ok: number; changed: number; failed: number; skipped: number; rescued: number }>;

/** Runs the built tpx on a lab fleet (exit 0 expected) and returns its --report document. */
export function runTpxReport(
  lab: LabState,
  work: string,
  playbook: string,
  moreInventories: readonly string[] = [],
  moreArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): TpxReport {
  const report = join(work, `tpx-report-${Date.now()}.json`);
  const r = runTpx(
    ['run', playbook, '-i', lab.inventoryFile, ...moreInventories.flatMap((i) => ['-i', i]), '--report', report, '--output', 'plain', ...moreArgs],
    { env },
  );
  // Exit 0 even with a failure that is rescued or ignored.
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(readFileSync(report, 'utf8')) as TpxReport;
}

/** The parts of tpx's --report the comparisons read. */
export interface TpxReport {
  readonly stats: Record<string, Record<string, number>>;
  readonly hosts: Record<string, { readonly tasks: readonly { task: string; status: string; msg: string }[] }>;
}

export function runWithTpx(...args: Parameters<typeof runTpxReport>): Recap {
  return tpxRecap(runTpxReport(...args));
}

export function tpxRecap(report: TpxReport): Recap {
  return Object.fromEntries(
    Object.entries(report.stats).map(([h, s]) => [h, { ok: s.ok, changed: s.changed, failed: s.failed, skipped: s.skipped, rescued: s.rescued }]),
  );
}

/** Ansible's environment: everything it writes goes under `home`. */
export function ansibleEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: home,
    ANSIBLE_HOME: join(home, 'ansible'),
    ANSIBLE_LOCAL_TEMP: join(home, 'local-tmp'),
    ANSIBLE_REMOTE_TEMP: '/tmp/.ansible-compat',
    ANSIBLE_SSH_CONTROL_PATH_DIR: join(home, 'cp'),
    ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=30s',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ...ANSIBLE_JSON_ENV,
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_FORKS: '10',
    ANSIBLE_CONFIG: join(home, 'no-ansible.cfg'),
  };
}

/** An Ansible inventory for the lab: Ansible's own connection variables, the lab's known_hosts. */
export function writeAnsibleInventory(lab: LabState, file: string): void {
  const sshArgs = `-o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`;
  const hosts = Object.fromEntries(
    lab.hosts.map((h) => [
      h.name,
      {
        ansible_host: '127.0.0.1',
        ansible_port: h.port,
        ansible_user: lab.user,
        ansible_ssh_private_key_file: lab.identityFile,
        ansible_ssh_common_args: sshArgs,
      },
    ]),
  );
  writeFileSync(file, JSON.stringify({ all: { hosts } }, null, 2));
}

/** Runs ansible-playbook (exit 0 expected) and returns its results (the tpx_json callback's document). */
export function runAnsibleJson(
  home: string,
  playbook: string,
  inventories: readonly string[],
  moreArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): AnsibleJson {
  const r = spawnSync(ANSIBLE_PLAYBOOK, [...inventories.flatMap((i) => ['-i', i]), ...moreArgs, playbook], {
    env: { ...ansibleEnv(home), ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  expect(r.error, 'ansible-playbook could not run').toBeUndefined();
  expect(r.status, `${r.stdout.slice(-3000)}\n${r.stderr}`).toBe(0);
  // Some modules print on Ansible's display before the document (pause: "Pausing for 1 seconds").
  const start = r.stdout.search(/^\{/m);
  return JSON.parse(start > 0 ? r.stdout.slice(start) : r.stdout) as AnsibleJson;
}

/** What test/fixtures/ansible/callback_plugins/tpx_json.py prints. */
export interface AnsibleJson {
  readonly stats: Record<string, Record<string, number>>;
  readonly plays: readonly { tasks: readonly { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[] }[];
}

export function runWithAnsible(...args: Parameters<typeof runAnsibleJson>): Recap {
  return ansibleRecap(runAnsibleJson(...args));
}

export function ansibleRecap(json: AnsibleJson): Recap {
  return Object.fromEntries(
    Object.entries(json.stats).map(([h, s]) => [h, { ok: s.ok, changed: s.changed, failed: s.failures, skipped: s.skipped, rescued: s.rescued }]),
  );
}

/** Ends the SSH control masters Ansible left (ControlPersist), by their sockets. */
export function stopControlMasters(home: string): void {
  let sockets: string[] = [];
  try {
    sockets = readdirSync(join(home, 'cp'));
  } catch {
    return;
  }
  for (const s of sockets) spawnSync('ssh', ['-o', `ControlPath=${join(home, 'cp', s)}`, '-O', 'exit', 'lab'], { stdio: 'ignore', timeout: 10_000 });
}

/** Two lab fleets of `hosts` hosts (3 by default), one for each tool, and a work dir (Ansible's home in it), all removed after the tests. */
export function useTwinFleets(prefix: string, hosts = 3) {
  const tpxLab = useLab({ hosts, versions: ['none'] });
  const ansibleLab = useLab({ hosts, versions: ['none'] });
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), prefix));
    ensureBuilt();
  }, 240_000);
  afterAll(() => {
    if (!work) return;
    stopControlMasters(ansibleHome(work));
    rmSync(work, { recursive: true, force: true });
  });
  return { tpxLab, ansibleLab, dir: () => work };
}

/** Where Ansible's home is in a twin fleets' work dir. */
export const ansibleHome = (work: string): string => join(work, 'ansible-home');

/**
 * Before a package manager runs on a lab host: each of `dirs` is the host's own overlay (what
 * it writes there stays on that host) and the host has no route out (nothing is fetched from
 * the network, whatever a source says).
 */
export async function expectFencedHost(lab: LabState, host: LabState['hosts'][number], dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const mounts = await hostExec(lab, host.name, `findmnt -n -o FSTYPE,OPTIONS ${dir}`);
    expect(mounts.stdout, `${host.name}'s ${dir}`).toMatch(new RegExp(`^overlay .*upperdir=${host.dir}/`));
  }
  const routes = await hostExec(lab, host.name, 'ip -4 route show default; ip -6 route show default; ip route get 1.1.1.1 2>&1');
  expect(routes.stdout, `${host.name} has no route out`).toMatch(/^Network is unreachable|unreachable/m);
  expect(routes.stdout).not.toMatch(/^default/m);
}

/** Each host's task outcomes: `name: status`, and `: msg` for the tasks whose msg is compared. */
export type Outcomes = Record<string, string[]>;

/** Says, by a task's name, whether its msg is compared as well as its status. */
export type WithMsg = (task: string) => boolean;

const outcome = (task: string, status: string, msg: string, withMsg: WithMsg): string => `${task}: ${status}${withMsg(task) ? `: ${msg}` : ''}`;

export function tpxOutcomes(report: TpxReport, withMsg: WithMsg): Outcomes {
  return Object.fromEntries(Object.entries(report.hosts).map(([h, host]) => [h, host.tasks.map((t) => outcome(t.task, t.status, t.msg, withMsg))]));
}

/** Ansible's outcomes, a role's task named without its `role : ` prefix, as tpx names it. */
export function ansibleOutcomes(json: AnsibleJson, withMsg: WithMsg): Outcomes {
  const out: Outcomes = {};
  for (const task of json.plays.flatMap((p) => p.tasks)) {
    for (const [h, r] of Object.entries(task.hosts)) {
      const status = r.failed ? 'failed' : r.skipped ? 'skipped' : r.changed ? 'changed' : 'ok';
      const msg = typeof r.msg === 'string' ? r.msg : '';
      (out[h] ??= []).push(outcome(task.task.name.replace(/^[\w-]+ : /, ''), status, msg, withMsg));
    }
  }
  return out;
}

/** What is compared host by host after each run: the files a playbook left, a service's state… */
export type HostState = (lab: LabState, host: string) => Promise<string>;

/** One playbook run by both tools on twin fleets, and what is compared. */
export interface TwinRounds {
  readonly tpxLab: LabState;
  readonly ansibleLab: LabState;
  /** The twin fleets' work dir (useTwinFleets' dir()): Ansible's home and inventory go in it. */
  readonly work: string;
  readonly playbook: string;
  readonly state: HostState;
  readonly withMsg: WithMsg;
  /** The check round's flags: --check, with --diff where the modules print one. */
  readonly checkArgs: readonly string[];
  /**
   * Ansible's task results left out of the outcome comparison, by task name, for a difference
   * the test names (tpx shows no skipped line for a `meta` task; Ansible shows one, uncounted).
   */
  readonly ansibleOnly?: readonly string[];
}

export type Round = 'first' | 'second' | 'check';

/**
 * Runs the playbook with tpx and with ansible-playbook, on a first run, a second and one in
 * check mode; after each, the recaps, the task outcomes and every host's state must agree with
 * the twin's, and check mode must change nothing. Returns tpx's report of each round.
 */
export async function compareRounds(t: TwinRounds): Promise<Record<Round, TpxReport>> {
  const inventory = join(t.work, 'ansible-inventory.json');
  writeAnsibleInventory(t.ansibleLab, inventory);
  const names = t.tpxLab.hosts.map((h) => h.name);
  const reports: Partial<Record<Round, TpxReport>> = {};
  for (const round of ['first', 'second', 'check'] as const) {
    const args = round === 'check' ? t.checkArgs : [];
    const before = round === 'check' ? await t.state(t.tpxLab, names[0]) : '';
    const ours = runTpxReport(t.tpxLab, t.work, t.playbook, [], args);
    const theirs = runAnsibleJson(ansibleHome(t.work), t.playbook, [inventory], args);
    expect(Object.keys(theirs.stats).sort(), round).toEqual([...names].sort());
    const dropped = (o: Outcomes): Outcomes =>
      Object.fromEntries(Object.entries(o).map(([h, list]) => [h, list.filter((x) => !(t.ansibleOnly ?? []).some((name) => x.startsWith(`${name}: `)))]));
    expect(tpxOutcomes(ours, t.withMsg), round).toEqual(dropped(ansibleOutcomes(theirs, t.withMsg)));
    expect(tpxRecap(ours), round).toEqual(ansibleRecap(theirs));
    for (const host of names) expect(await t.state(t.tpxLab, host), `${round} ${host}`).toBe(await t.state(t.ansibleLab, host));
    if (round === 'check') expect(await t.state(t.tpxLab, names[0]), 'check mode changed nothing').toBe(before);
    reports[round] = ours;
  }
  return reports as Record<Round, TpxReport>;
}
