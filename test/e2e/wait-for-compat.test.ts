/**
 * wait_for's search_regex on a port and state drained against Ansible's (issue 14): a small TCP
 * service (test/fixtures/wait-for/tcp-peer.mjs) runs inside every lab host on its own 127.0.0.1,
 * sending an SSH or SMTP-like banner on some ports and holding connections on others; the
 * playbook itself opens connections that close after 2 s or stay open. It runs with `tpx run`
 * on one lab fleet and `ansible-playbook` on its twin, twice, then with --check: the recaps, every
 * task's outcome and msg, and every registered value (elapsed as a range) must agree.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../src/lab/types.js';
import { quoteArgv } from '../../src/shell/quote.js';
import { startNodeService } from '../helpers/node-service.js';
import { compareRounds, dumpHost, enabled, hasAnsible, useTwinFleets } from './compat-helpers.js';

const PEER_SOURCE = fileURLToPath(new URL('../fixtures/wait-for/tcp-peer.mjs', import.meta.url));
/** Each host's copy: a checkout under /tmp is out of the hosts' sight (each has its own /tmp). */
const PEER = '/tmp/tpx-tcp-peer.mjs';
const NODE = process.execPath;
const BASE = '/opt/waitfor';
/** Ports inside the hosts: an SSH banner, an SMTP-like banner, two to drain, one nothing listens on. */
const SSH = 18490;
const SMTP = 18491;
const DRAIN = 18492;
const BUSY = 18493;
const CLOSED = 18494;

/** Keys that differ from one run to the next (elapsed is compared as a range instead). */
const VOLATILE = ['elapsed', 'invocation', 'warnings', 'deprecations'];

const TASKS = `
    - name: wait_for an SSH banner
      wait_for: port=${SSH} search_regex=OpenSSH timeout=10
      register: w_ssh

    - name: wait_for a banner, groups in the pattern
      wait_for:
        port: ${SSH}
        search_regex: '^SSH-(?P<proto>[0-9.]+)-(\\w+)'
        timeout: 10
      register: w_groups

    - name: wait_for a banner sent in two pieces, by name
      wait_for:
        host: localhost
        port: ${SMTP}
        search_regex: '^220 ready'
        timeout: 10
      register: w_smtp

    - name: wait_for a banner that never says it
      wait_for: port=${SSH} search_regex=FTP timeout=2
      register: w_other
      ignore_errors: true

    - name: wait_for a banner on a closed port
      wait_for: port=${CLOSED} search_regex=SSH timeout=2 msg="no banner"
      register: w_closed
      ignore_errors: true

    - name: wait_for a port to stop, search_regex unused
      wait_for: port=${CLOSED} state=stopped search_regex=SSH timeout=5
      register: w_stopped

    - name: wait_for a port without connections to drain
      wait_for: port=${DRAIN} state=drained timeout=5
      register: w_idle

    - name: hold a connection for 2 s
      command: ${quoteArgv([NODE, PEER, 'hold', '30', String(DRAIN), '2'])}

    - name: wait_for the held connection to drain
      wait_for: port=${DRAIN} state=drained timeout=20
      register: w_drained

    - name: hold a connection that stays
      command: ${quoteArgv([NODE, PEER, 'hold', '60', String(BUSY), '0'])}

    - name: wait_for a connection that stays, to drain
      wait_for: port=${BUSY} state=drained timeout=2
      register: w_busy
      ignore_errors: true

    - name: wait_for a drain on every address, with msg
      wait_for: port=${BUSY} state=drained host=0.0.0.0 timeout=1 msg="still busy"
      register: w_any
      ignore_errors: true

    - name: wait_for a drain that excludes the local connections
      wait_for:
        port: ${BUSY}
        state: drained
        exclude_hosts: [127.0.0.1]
        timeout: 5
      register: w_excluded

    - name: wait_for a drain that counts only TIME_WAIT
      wait_for:
        port: ${BUSY}
        state: drained
        active_connection_states: TIME_WAIT,SYN_RECV
        timeout: 5
      register: w_timewait
`;

const REGISTERED = [...TASKS.matchAll(/register: (\w+)/g)].map((m) => m[1]);
/** Each registered elapsed must lie in this range (whole seconds) for both tools. */
const ELAPSED: Readonly<Record<string, [number, number]>> = {
  w_ssh: [0, 1],
  w_other: [2, 4],
  w_closed: [2, 3],
  w_idle: [0, 1],
  w_drained: [1, 4],
  w_busy: [2, 3],
  w_any: [1, 2],
  w_excluded: [0, 1],
  w_timewait: [0, 1],
};

const PLAYBOOK = `---
- name: wait_for on ports
  hosts: all
  become: true
  gather_facts: false
  vars:
    base: ${BASE}
  tasks:
    - name: base directory
      file: path={{ base }} state=directory mode=0755
${TASKS}
    - name: what wait_for registered
      copy:
        dest: "{{ base }}/results.txt"
        mode: "0644"
        content: |
${REGISTERED.map((name) => `          ${name}: {{ ${name} | dict2items | rejectattr('key', 'in', ${JSON.stringify(VOLATILE)}) | items2dict | to_nice_json }}`).join('\n')}
${Object.entries(ELAPSED)
  .map(([name, [low, high]]) => `          ${name} elapsed in [${low}, ${high}]: {{ ${low} <= ${name}.elapsed <= ${high} }}`)
  .join('\n')}
      when: w_ssh is not skipped
`;

const withMsg = (task: string): boolean => task.startsWith('wait_for');

/** Starts tcp-peer.mjs inside every host and waits until it listens; returns what stops it (by PID). */
function startPeers(lab: LabState): Promise<() => Promise<void>> {
  const args = ['serve', '600', `${SSH}=SSH-2.0-OpenSSH_9.2p1 tpx-lab`, `${SMTP}=220 ready`, String(DRAIN), String(BUSY)];
  return startNodeService(lab, { name: 'tcp-peer', source: PEER_SOURCE, inHost: PEER, args, ports: [SSH, SMTP, DRAIN, BUSY] });
}

describe.skipIf(!enabled)('wait_for on a port: search_regex and state drained answer as Ansible does', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-wait-for-compat-', 1);

  it('same outcomes, msgs, registered values and recaps on a first and a second run, and with --check', async () => {
    const work = dir();
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'wait-for.yml');
    writeFileSync(playbook, PLAYBOOK);
    const names = tpxLab.state.hosts.map((h) => h.name);
    const dump = (lab: LabState, host: string) => dumpHost(lab, host, BASE);
    const stops = [await startPeers(tpxLab.state), await startPeers(ansibleLab.state)];
    try {
      await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work, playbook, state: dump, withMsg, checkArgs: ['--check'] });
    } finally {
      for (const stop of stops) await stop();
    }
    // The playbook did what it says (so equal dumps of wrong results cannot pass).
    const first = await dump(tpxLab.state, names[0]);
    for (const name of Object.keys(ELAPSED)) expect(first).toContain(`${name} elapsed in [${ELAPSED[name][0]}, ${ELAPSED[name][1]}]: True`);
    expect(first).toContain(`"msg": "Timeout when waiting for search string FTP in 127.0.0.1:${SSH}"`);
    expect(first).toContain(`"msg": "Timeout when waiting for 127.0.0.1:${BUSY} to drain"`);
    expect(first).toContain('"msg": "still busy"');
    expect(first).toMatch(/w_groups: \{\s+"changed": false,\s+"failed": false,\s+"match_groupdict": \{\},\s+"match_groups": \[\],/);
    expect(first).toContain('"state": "drained"');
  }, 400_000);
});
