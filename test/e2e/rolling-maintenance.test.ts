/**
 * `playbooks/rolling-maintenance.yaml` end to end on a lab fleet: four mesh hosts, each with a
 * real service (an LSB init script run by `service`/start-stop-daemon; an HTTP server with
 * `/health`), and a fifth host as the load balancer, whose admin API (an HTTP server on its own
 * 127.0.0.1) the playbook calls with `uri` delegated to it. Checked: `--check` changes nothing
 * anywhere; a real run drains, upgrades, restarts, checks and puts back each host, batch after
 * batch, in the order the load balancer saw; a host whose health check fails halts the rollout,
 * stays drained and is reported so, the hosts after it never leave the load balancer; and
 * `--retry-failed` after the fix finishes the job.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { LabState } from '../../src/lab/types.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { MARKER, onHost, planLine, REPO, runUpgrade, saveRules, TARGET, type TpxRun } from './upgrade-helpers.js';

const lab = useLab({ hosts: 5, versions: ['2.8.3', '2.8.3', 'none', TARGET, 'none'], packages: [TARGET] });
const PLAYBOOK = join(REPO, 'playbooks/rolling-maintenance.yaml');
const MESH = ['mesh-01', 'mesh-02', 'mesh-03', 'mesh-04'];
const LB = 'mesh-05';
const LB_LOG = '/var/lib/lb/actions.log';
const fixture = (name: string): string => readFileSync(join(REPO, 'test/fixtures/rolling', name), 'utf8');

/** The lab's inventory with the mesh hosts in group `mesh` and the load balancer in `lb`. */
function writeInventory(state: LabState): string {
  const doc = parse(readFileSync(state.inventoryFile, 'utf8')) as { all: { children: Record<string, unknown> } };
  doc.all.children.mesh = { hosts: Object.fromEntries(MESH.map((h) => [h, null])) };
  doc.all.children.lb = { hosts: { [LB]: null } };
  const file = join(state.dir, 'rolling-inventory.yaml');
  writeFileSync(file, stringify(doc, { nullStr: '' }));
  return file;
}

let prepared: { inventory: string } | undefined;
/** Installs and starts the service on the mesh hosts and the load balancer's API, once. */
async function prepare(): Promise<{ inventory: string }> {
  if (prepared) return prepared;
  const state = lab.state;
  for (const host of MESH) {
    await onHost(state, host, 'set -e; umask 022; mkdir -p /opt/mesh-app /etc/mesh-app; cat > /opt/mesh-app/mesh-app.mjs', fixture('mesh-app.mjs'));
    await onHost(state, host, 'set -e; umask 022; cat > /etc/init.d/mesh-app; chmod 755 /etc/init.d/mesh-app; rm -f /run/mesh-app.log', fixture('mesh-app.sh'));
    await onHost(state, host, '/etc/init.d/mesh-app start');
  }
  await onHost(state, LB, 'set -e; umask 022; mkdir -p /opt/lb /var/lib/lb; cat > /opt/lb/lb-api.mjs; : > /var/lib/lb/actions.log', fixture('lb-api.mjs'));
  // Detached inside the host; its pid is kept to end it after the tests (it also ends by itself).
  await onHost(
    state,
    LB,
    `setsid node /opt/lb/lb-api.mjs 8080 ${LB_LOG} ${MESH.join(' ')} >/var/lib/lb/api.out 2>&1 </dev/null & echo $! > /var/lib/lb/api.pid`,
  );
  await onHost(
    state,
    LB,
    'for i in $(seq 50); do python3 -c "import urllib.request as u; u.urlopen(\'http://127.0.0.1:8080/backends\')" 2>/dev/null && exit 0; sleep 0.1; done; exit 1',
  );
  prepared = { inventory: writeInventory(state) };
  return prepared;
}

afterAll(async () => {
  if (!prepared) return;
  await onHost(lab.state, LB, 'p=$(cat /var/lib/lb/api.pid) && kill "$p"').catch(() => undefined);
  for (const host of MESH) await onHost(lab.state, host, '/etc/init.d/mesh-app stop').catch(() => undefined);
});

const backends = async (): Promise<Record<string, string>> =>
  JSON.parse(
    await onHost(lab.state, LB, `python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8080/backends').read().decode())"`),
  ) as Record<string, string>;
const lbActions = async (): Promise<string[]> => (await onHost(lab.state, LB, `cat ${LB_LOG}`)).split('\n').filter(Boolean);
const appLog = async (host: string): Promise<string> => onHost(lab.state, host, 'cat /run/mesh-app.log');

async function maintain(args: readonly string[] = []): Promise<TpxRun> {
  const { inventory } = await prepare();
  return runUpgrade(lab.state, ['-e', 'health_delay=1', ...args], { playbook: PLAYBOOK, inventory, timeoutMs: 180_000 });
}

const UPGRADE = 'upgrade: backup, flush, install, verify (restores the backup on failure)';
const taskStatus = (run: TpxRun, host: string, task: string): string | undefined => run.report.hosts[host]?.tasks.find((t) => t.task === task)?.status;

/** --check: nothing drained, nothing restarted, nothing upgraded; the plan says who would change. */
async function checkChangesNothing(): Promise<void> {
  const run = await maintain(['--check']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(await lbActions()).toEqual([]);
  for (const host of MESH) expect(await appLog(host)).toBe('start\n');
  expect(MESH.map((h) => planLine(run.stdout, h))).toEqual([
    `mesh-01  2.8.3 → ${TARGET}  flush: yes (rules without marker)`,
    `mesh-02  2.8.3 → ${TARGET}  flush: yes (rules without marker)`,
    `mesh-03  none → ${TARGET}  flush: no  (no Kuma rules)`,
    `mesh-04  ${TARGET} → ${TARGET}  flush: no  (marked rules, not recorded by tpx: kumactl replaces them)`,
  ]);
  for (const host of MESH) expect(taskStatus(run, host, 'upgrade (--check: would run)'), host).toBe('changed');
  expect(taskStatus(run, 'mesh-01', "check the service's health")).toBe('skipped');
}

/** A real run: per batch drain → upgrade → restart → health → put back, in the load balancer's order. */
async function maintainAll(): Promise<void> {
  const run = await maintain();
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const actions = await lbActions();
  // Batches of 1, 1 (25% of 4) and 2: the canary's cycle ends before the next host is drained.
  expect(actions.slice(0, 4)).toEqual(['drain mesh-01', 'enable mesh-01', 'drain mesh-02', 'enable mesh-02']);
  expect(actions.slice(4).sort()).toEqual(['drain mesh-03', 'drain mesh-04', 'enable mesh-03', 'enable mesh-04']);
  for (const host of ['mesh-03', 'mesh-04']) expect(actions.indexOf(`drain ${host}`)).toBeLessThan(actions.indexOf(`enable ${host}`));
  expect(await backends()).toEqual(Object.fromEntries(MESH.map((h) => [h, 'in'])));
  for (const host of MESH) {
    // Started by the test, restarted once by the playbook.
    expect(await appLog(host), host).toBe('start\nstop\nstart\n');
    expect(run.report.hosts[host].status, host).toBe('changed');
    expect(taskStatus(run, host, "check the service's health"), host).toBe('ok');
    expect(taskStatus(run, host, 'drain from the load balancer'), host).toBe('changed');
  }
  for (const host of MESH) expect(taskStatus(run, host, UPGRADE), host).toBe('changed');
  expect(await saveRules(lab.state, 'mesh-01', 'ipv4')).toContain(MARKER);
}

/** A failing health check halts the rollout: that host stays drained and is reported so; later hosts never leave. Then a retry. */
async function haltOnHealth(): Promise<void> {
  await onHost(lab.state, LB, `: > ${LB_LOG}`);
  await onHost(lab.state, 'mesh-02', 'touch /etc/mesh-app/unhealthy');
  const run = await maintain(['-e', 'health_retries=2']);
  expect(run.code, run.stdout + run.stderr).toBe(2);
  expect(run.report.halted).toMatchObject({ batch: 2 });
  // Upgraded by the run before: nothing to upgrade, the maintenance cycle runs all the same.
  expect(taskStatus(run, 'mesh-01', UPGRADE)).toBe('skipped');
  expect(await lbActions()).toEqual(['drain mesh-01', 'enable mesh-01', 'drain mesh-02']);
  expect(await backends()).toEqual({ 'mesh-01': 'in', 'mesh-02': 'drained', 'mesh-03': 'in', 'mesh-04': 'in' });
  expect(run.report.hosts['mesh-02'].status).toBe('failed');
  const kept = run.report.hosts['mesh-02'].tasks.find((t) => t.task === 'keep the host drained');
  expect(kept?.status).toBe('failed');
  expect(kept?.msg).toMatch(/^mesh-02 failed its health check \(http:\/\/127\.0\.0\.1:8081\/health answered 503\) and stays drained in the load balancer/);
  expect(taskStatus(run, 'mesh-02', 'put back into the load balancer')).toBeUndefined();
  for (const host of ['mesh-03', 'mesh-04']) expect(run.report.hosts[host].status, host).toBe('not-reached');
  expect(run.stdout).toContain('stays drained in the load balancer');

  // Fixed, then --retry-failed: the failed host first, then the hosts never reached.
  await onHost(lab.state, 'mesh-02', 'rm /etc/mesh-app/unhealthy');
  await onHost(lab.state, LB, `: > ${LB_LOG}`);
  const retry = await maintain(['--retry-failed']);
  expect(retry.code, retry.stdout + retry.stderr).toBe(0);
  const actions = await lbActions();
  expect(actions.slice(0, 2)).toEqual(['drain mesh-02', 'enable mesh-02']);
  expect(actions.slice(2).sort()).toEqual(['drain mesh-03', 'drain mesh-04', 'enable mesh-03', 'enable mesh-04']);
  expect(await backends()).toEqual(Object.fromEntries(MESH.map((h) => [h, 'in'])));
}

describe.skipIf(!labSupported())('playbooks/rolling-maintenance.yaml on the lab', () => {
  // One scenario, its steps in order: each starts from the fleet the step before left.
  it('--check changes nothing; a run maintains every host batch by batch; a failing health check halts it, the host stays drained; --retry-failed finishes', async () => {
    await checkChangesNothing();
    await maintainAll();
    await haltOnHealth();
  }, 600_000);
});
