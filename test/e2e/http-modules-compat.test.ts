/**
 * uri and get_url against Ansible's (issue 14): an HTTP service runs inside every lab host
 * (test/helpers/http-service.ts, on the host's own 127.0.0.1), and one playbook that calls it runs
 * with `tpx run` on one lab fleet and with `ansible-playbook` on its twin, twice, then once more
 * with --check --diff. After each run the hosts hold the same files (get_url's downloads, bytes
 * and mode, and every registered result less what changes by itself: dates, elapsed, temp
 * names), the recaps agree, and so does every task's outcome and msg. The second run changes
 * nothing that get_url wrote (checksum and force: false), and check mode writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../src/lab/types.js';
import { HTTP_SERVICE_AUTH, startHttpService, type HttpService } from '../helpers/http-service.js';
import { compareRounds, dumpHost, enabled, hasAnsible, type TpxReport, useTwinFleets } from './compat-helpers.js';

const BASE = '/opt/http';
const PORT = 18480;
/** A port nothing listens on inside the hosts. */
const CLOSED = 18481;
const SECRET_HEADER = 'Bearer tpx-e2e-header-secret';

/** Keys that differ from one run to the next, left out of the compared results. */
const VOLATILE = ['date', 'elapsed', 'src', 'invocation', 'warnings', 'deprecations'];

const uriTasks = `
    - name: uri json
      uri: url={{ web }}/json
      register: r_json

    - name: uri text with content
      uri:
        url: "{{ web }}/text"
        return_content: true
      register: r_text

    - name: uri a 404
      uri: url={{ web }}/missing
      register: r_missing
      ignore_errors: true

    - name: uri a 404 that is expected
      uri:
        url: "{{ web }}/missing"
        status_code: [200, 404]
      register: r_404

    - name: uri a 404 with content
      uri:
        url: "{{ web }}/missing"
        return_content: yes
      register: r_missing_content
      ignore_errors: true

    - name: uri a redirect followed
      uri: url={{ web }}/redirect
      register: r_redirect

    - name: uri a redirect not followed
      uri:
        url: "{{ web }}/redirect"
        follow_redirects: none
      register: r_noredirect
      ignore_errors: true

    - name: uri a POST redirected with 307, safe
      uri:
        url: "{{ web }}/redirect-307"
        method: POST
        body: raw-body
      register: r_307_safe
      ignore_errors: true

    - name: uri a POST redirected with 307, all
      uri:
        url: "{{ web }}/redirect-307"
        method: POST
        body: raw-body
        follow_redirects: all
        return_content: true
      register: r_307_all

    - name: uri HEAD through an absolute redirect
      uri:
        url: "{{ web }}/redirect-json"
        method: HEAD
      register: r_head

    - name: uri connection refused
      uri: url=http://127.0.0.1:${CLOSED}/
      register: r_refused
      ignore_errors: true

    - name: uri timeout
      uri:
        url: "{{ web }}/slow"
        timeout: 1
      register: r_slow
      ignore_errors: true

    - name: uri a JSON body
      uri:
        url: "{{ web }}/echo"
        method: POST
        body_format: json
        body: { name: tpx, list: [1, 2, "three"], nested: { ok: true } }
        headers:
          X-Trace: abc-123
      register: r_post

    - name: uri a form body
      uri:
        url: "{{ web }}/echo?x=1"
        method: PUT
        body_format: form-urlencoded
        body:
          name: a b&c
          list: [1, 2]
        return_content: true
        status_code: "200,201"
      register: r_form

    - name: uri an Authorization header
      uri:
        url: "{{ web }}/status/204"
        headers:
          Authorization: "${SECRET_HEADER}"
        status_code: 204
      register: r_authz

    - name: uri basic auth after a 401
      uri:
        url: "{{ web }}/auth"
        url_username: ${HTTP_SERVICE_AUTH.user}
        url_password: ${HTTP_SERVICE_AUTH.password}
      register: r_auth

    - name: uri basic auth forced
      uri:
        url: "{{ web }}/auth"
        user: ${HTTP_SERVICE_AUTH.user}
        password: ${HTTP_SERVICE_AUTH.password}
        force_basic_auth: true
      register: r_auth_forced

    - name: uri a 500 with JSON
      uri: url={{ web }}/error
      register: r_error
      ignore_errors: true

    - name: uri problem+json
      uri: url={{ web }}/problem
      register: r_problem

    - name: uri creates
      uri:
        url: "{{ web }}/json"
        creates: "{{ base }}"
      register: r_creates

    - name: uri removes
      uri:
        url: "{{ web }}/json"
        removes: "{{ base }}/nothing-here"
      register: r_removes
`;

const getUrlTasks = `
    - name: get_url a file with a mode
      get_url:
        url: "{{ web }}/files/app.conf"
        dest: "{{ base }}/app.conf"
        mode: "0640"
      register: g_app

    - name: get_url the same file with its checksum from a URL
      get_url:
        url: "{{ web }}/files/app.conf"
        dest: "{{ base }}/app.conf"
        checksum: "sha256:{{ web }}/files/sha256sums.txt"
      register: g_app_sum

    - name: get_url into a directory with a checksum
      get_url:
        url: "{{ web }}/files/data.bin"
        dest: "{{ base }}/"
        checksum: "sha256:{{ web }}/files/sha256sums.txt"
      register: g_bin

    - name: get_url a name from Content-Disposition
      get_url: url={{ web }}/download dest={{ base }}
      register: g_named

    - name: get_url If-Modified-Since
      get_url:
        url: "{{ web }}/files/static.txt"
        dest: "{{ base }}/static.txt"
      register: g_static

    - name: get_url forced, mode changed
      get_url:
        url: "{{ web }}/files/app.conf"
        dest: "{{ base }}/forced.conf"
        force: true
        mode: "0600"
      register: g_forced

    - name: get_url with basic auth
      get_url:
        url: "{{ web }}/auth"
        dest: "{{ base }}/auth.json"
        username: ${HTTP_SERVICE_AUTH.user}
        password: ${HTTP_SERVICE_AUTH.password}
        force_basic_auth: true
      register: g_auth

    - name: get_url a 404
      get_url: url={{ web }}/missing dest={{ base }}/missing.txt
      register: g_missing
      ignore_errors: true

    - name: get_url connection refused
      get_url: url=http://127.0.0.1:${CLOSED}/x dest={{ base }}/refused.txt
      register: g_refused
      ignore_errors: true

    - name: a file that a wrong download removes
      copy: content=old dest={{ base }}/bad.bin mode=0644

    - name: get_url a checksum that does not match
      get_url:
        url: "{{ web }}/files/data.bin"
        dest: "{{ base }}/bad.bin"
        checksum: sha256:0000
      register: g_bad
      ignore_errors: true

    - name: get_url into a missing directory
      get_url:
        url: "{{ web }}/files/app.conf"
        dest: "{{ base }}/nodir/app.conf"
      register: g_nodir
      ignore_errors: true
`;

const REGISTERED = [...[...uriTasks.matchAll(/register: (\w+)/g)].map((m) => m[1]), ...[...getUrlTasks.matchAll(/register: (\w+)/g)].map((m) => m[1])];

const PLAYBOOK = `---
- name: http modules
  hosts: all
  become: true
  gather_facts: false
  vars:
    base: ${BASE}
    web: http://127.0.0.1:${PORT}
  tasks:
    - name: base directory
      file: path={{ base }} state=directory mode=0755
${uriTasks}${getUrlTasks}
    - name: what the modules registered
      copy:
        dest: "{{ base }}/results.json"
        mode: "0644"
        content: |
${REGISTERED.map((name) => `          ${name}: {{ ${name} | dict2items | rejectattr('key', 'in', ${JSON.stringify(VOLATILE)}) | items2dict | to_nice_json }}`).join('\n')}
`;

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => task.startsWith('uri') || task.startsWith('get_url');

describe.skipIf(!enabled)('uri and get_url answer as Ansible does, against a service inside the hosts', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-http-compat-');

  it('same files, results, recaps and task outcomes on a first and a second run, and with --check --diff', async () => {
    const work = dir();
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'http.yml');
    writeFileSync(playbook, PLAYBOOK);
    const names = tpxLab.state.hosts.map((h) => h.name);
    const dump = (lab: LabState, host: string) => dumpHost(lab, host, BASE);
    const services: HttpService[] = [];
    let second: TpxReport | undefined;
    try {
      services.push(await startHttpService(tpxLab.state, PORT), await startHttpService(ansibleLab.state, PORT));
      const reports = await compareRounds({
        tpxLab: tpxLab.state,
        ansibleLab: ansibleLab.state,
        work,
        playbook,
        state: dump,
        withMsg,
        checkArgs: ['--check', '--diff'],
      });
      second = reports.second;
    } finally {
      for (const service of services) await service.stop();
    }
    // The second run downloaded nothing again: every get_url task was ok, none changed.
    const getUrl = second!.hosts[names[0]].tasks.filter((t) => t.task.startsWith('get_url') && t.status !== 'failed');
    expect(getUrl.length).toBeGreaterThan(5);
    for (const t of getUrl) expect(`${t.task}: ${t.status}`).toBe(`${t.task}: ok`);
    // The playbook did what it says (so equal empty dumps cannot pass).
    const first = await dump(tpxLab.state, names[0]);
    expect(first).toContain(`== ${BASE}/app.conf\nlisten=8080\nworkers=4\n# served by the lab\n`);
    expect(first).toContain(`${BASE}/app.conf f 640 root:root`);
    expect(first).toContain(`${BASE}/forced.conf f 600 root:root`);
    expect(first).toContain(`${BASE}/data.bin f 644 root:root`);
    expect(first).toContain(`== ${BASE}/named.txt\nnamed by the server\n`);
    expect(first).toContain(`== ${BASE}/auth.json\n{"user": "tpx"}`);
    expect(first).not.toContain(`== ${BASE}/bad.bin`);
    expect(first).not.toContain('.tpx-get_url');
    expect(first).toContain('"msg": "Status code was 404 and not [200]: HTTP Error 404: Not Found"');
    expect(first).toContain('"msg": "Request failed: <urlopen error [Errno 111] Connection refused>"');
    expect(first).toContain('"x-trace": "abc-123"');
    expect(first).toContain('"body": "name=a+b%26c&list=1&list=2"');
    // The Authorization header reached the server and never tpx's output.
    const report = JSON.stringify(second);
    expect(report).not.toContain(SECRET_HEADER);
    expect(report).not.toContain(HTTP_SERVICE_AUTH.password);
  }, 400_000);
});
