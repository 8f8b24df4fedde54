#!/usr/bin/env node
// Times `tpx validate` (the built CLI, a fresh process each run) on a generated 5,000-task
// playbook, on playbooks/upgrade.yaml and on a one-task playbook; prints the median of
// several runs. Goal: the 5,000-task playbook under one second. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tpx.js');
const RUNS = Number(process.env.RUNS ?? 7);
const TASKS = Number(process.env.TASKS ?? 5000);

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('bench/validate.mjs: build first (npm run build)');
  process.exit(1);
}

/** A playbook of `n` tasks in 4 plays, with the variety of a real one: blocks, templates, conditions, loops, handlers. */
function generatePlaybook(n) {
  const out = [];
  const perPlay = Math.ceil(n / 4);
  let made = 0;
  for (let p = 0; p < 4 && made < n; p++) {
    out.push(
      `- name: play ${p}`,
      '  hosts: all',
      '  serial: [1, "25%", "100%"]',
      '  max_fail_percentage: 0',
      '  vars:',
      `    kuma_version: 2.10.${p}`,
      '  tasks:',
    );
    for (let i = 0; i < perPlay && made < n; i++, made++) {
      switch (i % 5) {
        case 0:
          out.push(
            `    - name: detect ${i}`,
            '      shell: "{{ kumactl }} version | head -1"',
            `      register: r${i}`,
            '      changed_when: false',
            `      failed_when: r${i}.rc not in [0, 1]`,
          );
          break;
        case 1:
          out.push(
            `    - name: copy ${i}`,
            '      copy:',
            '        content: "{{ inventory_hostname }} {{ kuma_version }}\\n"',
            `        dest: /tmp/tpx-${i}`,
            '        mode: "0644"',
            '      notify: reload',
          );
          break;
        case 2:
          out.push(
            `    - name: check ${i}`,
            '      assert:',
            '        that:',
            `          - kuma_version is version('2.9.0', '>=')`,
            '          - inventory_hostname | length > 0',
            `      when: r${i - 2}.rc == 0`,
          );
          break;
        case 3:
          out.push(`    - name: loop ${i}`, '      debug: {msg: "{{ item }}"}', '      loop: [a, b, c]', '      tags: [debug]');
          break;
        default:
          out.push(
            `    - name: wait ${i}`,
            '      command: curl -sf localhost:9901/ready',
            `      register: w${i}`,
            `      until: w${i}.rc == 0`,
            '      retries: 3',
            '      delay: 1',
          );
      }
    }
    out.push('  handlers:', '    - name: reload', '      command: systemctl reload kuma-dp');
  }
  return out.join('\n') + '\n';
}

// GNU time gives the child's CPU time too, which a busy machine does not inflate as much as wall time.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function timeValidate(file) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', 'TPXCPU %U %S', process.execPath, BIN, 'validate', file], { encoding: 'utf8' })
      : spawnSync(process.execPath, [BIN, 'validate', file], { encoding: 'utf8' });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) {
      console.error(`tpx validate ${file} exited ${r.status}:\n${r.stderr}`);
      process.exit(1);
    }
    const m = /TPXCPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return { wall: median(wall), cpu: cpu.length ? median(cpu) : undefined, min: Math.min(...wall) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const dir = mkdtempSync(join(tmpdir(), 'tpx-bench-'));
try {
  const big = join(dir, `playbook-${TASKS}.yaml`);
  writeFileSync(big, generatePlaybook(TASKS));
  const small = join(dir, 'one-task.yaml');
  writeFileSync(small, '- hosts: all\n  tasks:\n    - command: uptime\n');
  const cases = [
    [`${TASKS}-task playbook`, big],
    ['one-task playbook', small],
  ];
  const upgrade = join(ROOT, 'playbooks', 'upgrade.yaml');
  if (existsSync(upgrade)) cases.push(['playbooks/upgrade.yaml', upgrade]);
  console.log(`tpx validate, medians of ${RUNS} runs (node ${process.version}, fresh process each run; load average ${loadavg()[0].toFixed(1)})`);
  for (const [label, file] of cases) {
    const t = timeValidate(file);
    const cpu = t.cpu === undefined ? '' : `, CPU ${t.cpu.toFixed(0)} ms`;
    console.log(`  ${label.padEnd(26)} wall ${t.wall.toFixed(0).padStart(5)} ms (min ${t.min.toFixed(0)})${cpu}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
