import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseWaitFor, waitForCommand, waitForModule, waitForSettings } from '../../src/modules/wait-for.js';
import { HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runLocally, runShell } from './local-executor.js';

const ctx = makeContext();
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A port listening on 127.0.0.1 in this process. */
async function listeningPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('wait_for: parameters', () => {
  it('has Ansible defaults', () => {
    expect(normaliseWaitFor({ port: '8080' })).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      state: 'started',
      delay: 0,
      timeout: 300,
      sleep: 1,
      connectTimeout: 5,
    });
    expect(normaliseWaitFor(null)).toMatchObject({ port: undefined, path: undefined, timeout: 300 });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ port: 1, path: '/x' }, /port and path parameter can not both be passed to wait_for/],
    [{ path: '/x', state: 'stopped' }, /state=stopped should only be used for checking a port/],
    [{ path: '/x', search_regex: '(' }, /Invalid regular expression/],
    [{ port: 70000 }, /'port' must be a TCP port/],
    [{ port: 1, timeout: -1 }, /'timeout' must be a non-negative integer/],
    [{ port: 1, timout: 5 }, /did you mean 'timeout'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseWaitFor(args)).toThrow(ModuleArgsError);
    expect(() => normaliseWaitFor(args)).toThrow(message);
  });

  it('passes every value on stdin, never on the command line', () => {
    for (const name of HOSTILE_NAMES) {
      const p = normaliseWaitFor({ path: `/tmp/${name}`, search_regex: name.replace(/[\\*$()`]/g, '.') });
      expect(waitForCommand(p)).toBe(waitForCommand(normaliseWaitFor({ path: '/x' })));
      const r = runShell(`eval "$(cat)"; printf '%s\\0' "$path" "$regex"`, '/', waitForSettings(p));
      expect(r.stdout.split('\0').slice(0, 2)).toEqual([p.path, p.searchRegex]);
    }
  });
});

describe('wait_for: what the script runs on the host', () => {
  /** A directory of stand-ins for `names` that log their arguments to DIR/log, then run the real command. */
  function loggingShims(names: readonly string[]): string {
    const dir = makeTempDir();
    for (const name of names) {
      const real = runShell(`command -v ${name}`, '/').stdout.trim();
      writeFileSync(join(dir, name), `#!/bin/sh\nprintf '%s %s\\n' ${name} "$*" >> ${dir}/log\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
    return dir;
  }

  it("search_regex reaches grep on a descriptor, never on grep's command line (other users read argv)", () => {
    const shims = loggingShims(['grep']);
    const file = join(makeTempDir(), 'app.log');
    writeFileSync(file, 'starting\nready on port 8443\n');
    const p = normaliseWaitFor({ path: file, search_regex: 'ready on port (\\d+)', timeout: 5 });
    const r = runShell(`PATH=${shims}:$PATH; export PATH; ${waitForCommand(p)}`, '/', waitForSettings(p));
    expect(r.stdout).toMatch(/^TPXWAIT ok \d+\n/);
    const log = runShell(`cat ${shims}/log`, '/').stdout;
    expect(log).toMatch(/^grep -[EP] -q -f \/dev\/fd\/3$/m);
    expect(log).not.toContain('ready on');
  });

  it('sleep 0 pauses a tenth of a second between tries instead of spinning', () => {
    const shims = loggingShims(['sleep']);
    const p = normaliseWaitFor({ path: join(makeTempDir(), 'never'), sleep: 0, timeout: 1 });
    const r = runShell(`PATH=${shims}:$PATH; export PATH; ${waitForCommand(p)}`, '/', waitForSettings(p));
    expect(r.stdout).toMatch(/^TPXWAIT timeout 1\n$/);
    const pauses = runShell(`cat ${shims}/log`, '/').stdout.trim().split('\n');
    expect(new Set(pauses)).toEqual(new Set(['sleep 0.1']));
    expect(pauses.length).toBeLessThanOrEqual(11);
  });
});

describe('wait_for: on this machine', () => {
  it('a file that is there, with the match groups of search_regex', async () => {
    const file = join(makeTempDir(), 'log');
    writeFileSync(file, 'starting\nlistening on port 8080 (pid 12)\n', { mode: 0o644 });
    const run = await runLocally(waitForModule, { path: file, search_regex: 'port (?P<port>\\d+) \\(pid (\\d+)\\)$', timeout: 5 }, ctx);
    expect(run.failed, run.msg).toBe(false);
    expect(run.plan).toMatchObject({
      changed: false,
      returns: { path: file, port: null, match_groups: ['8080', '12'], match_groupdict: { port: '8080' }, elapsed: 0 },
    });
    // Ansible adds what the path is to a result naming one (AnsibleModule's add_path_info): state is its kind.
    expect(run.plan.returns).toMatchObject({ state: 'file', mode: '0644', size: 41, uid: process.getuid!(), owner: expect.any(String) });
  });

  it("times out with Ansible's messages, or msg", async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'there'), 'nothing\n');
    const cases: [Record<string, unknown>, string][] = [
      [{ path: join(dir, 'missing') }, `Timeout when waiting for file ${join(dir, 'missing')}`],
      [{ path: join(dir, 'there'), search_regex: 'ready' }, `Timeout when waiting for search string ready in ${join(dir, 'there')}`],
      [{ path: join(dir, 'there'), state: 'absent' }, `Timeout when waiting for ${join(dir, 'there')} to be absent.`],
      [{ port: 1 }, 'Timeout when waiting for 127.0.0.1:1'],
      [{ port: 1, msg: 'no service' }, 'no service'],
    ];
    for (const [args, msg] of cases) {
      const run = await runLocally(waitForModule, { ...args, timeout: 1, sleep: 1 }, ctx);
      expect(run.plan, msg).toMatchObject({ failed: true, msg, returns: { elapsed: 1 } });
    }
  });

  it('a listening port is started, not stopped; a closed one is stopped', async () => {
    const port = await listeningPort();
    expect((await runLocally(waitForModule, { port, timeout: 5 }, ctx)).plan).toMatchObject({ changed: false, returns: { state: 'started', port } });
    expect((await runLocally(waitForModule, { port, host: 'localhost', timeout: 5 }, ctx)).failed).toBe(false);
    const stopped = await runLocally(waitForModule, { port, state: 'stopped', timeout: 1 }, ctx);
    expect(stopped.plan).toMatchObject({ failed: true, msg: `Timeout when waiting for 127.0.0.1:${port} to stop.` });
    expect((await runLocally(waitForModule, { port: 1, state: 'stopped', timeout: 5 }, ctx)).failed).toBe(false);
  });

  it('another host is checked with a TCP connection from the host', async () => {
    const port = await listeningPort();
    // 127.0.0.2 is not in the listening set, so this goes through bash's /dev/tcp (or nc): refused there.
    const run = await runLocally(waitForModule, { port, host: '127.0.0.2', timeout: 1, connect_timeout: 1 }, ctx);
    expect(run.plan).toMatchObject({ failed: true, msg: `Timeout when waiting for 127.0.0.2:${port}` });
  });

  it('is skipped in check mode, as Ansible 2.14 skips it, without running anything', async () => {
    const p = normaliseWaitFor({ port: 1 });
    expect(waitForModule.facts!(p, makeContext({ check: true }))).toEqual([]);
    expect(await waitForModule.plan(p, {}, makeContext({ check: true }))).toMatchObject({
      skipInCheckMode: true,
      msg: 'remote module (wait_for) does not support check mode',
    });
  });
});

describe('wait_for: a path another user may have planted (the script as root)', () => {
  const asRoot = process.getuid?.() === 0;

  it('a FIFO at path with search_regex does not block the wait: it times out as a file that never matches', () => {
    const dir = makeTempDir();
    const fifo = join(dir, 'pipe');
    runShell(`mkfifo ${fifo}`, dir);
    const p = normaliseWaitFor({ path: fifo, search_regex: 'ready', timeout: 2 });
    const r = runShell(waitForCommand(p), '/', waitForSettings(p));
    expect(r.timedOut).toBe(false);
    expect(r.stdout).toMatch(/^TPXWAIT timeout \d+\n$/);
  });

  it.skipIf(!asRoot)("another user's link in a sticky directory is not read: the wait fails saying why", () => {
    const dir = makeTempDir();
    runShell(
      `chmod 1777 ${dir} && printf 'root only\\n' > ${dir}/secret && chmod 600 ${dir}/secret && ln -s ${dir}/secret ${dir}/app.log && chown -h 65534 ${dir}/app.log`,
      '/',
    );
    const p = normaliseWaitFor({ path: join(dir, 'app.log'), search_regex: 'root', timeout: 2 });
    const r = runShell(waitForCommand(p), '/', waitForSettings(p));
    expect(r.stdout).toMatch(/^TPXWAIT error .*app\.log belongs to uid 65534 in a world-writable directory/);
    expect(r.stdout).not.toContain('root only');
  });

  it('finds search_regex in a file reached through a link of ours (/var/run -> /run), opened where it was checked', () => {
    const dir = makeTempDir();
    runShell(`mkdir ${dir}/run && printf 'state: ready\\n' > ${dir}/run/app.pid && ln -s run ${dir}/varrun`, '/');
    const p = normaliseWaitFor({ path: join(dir, 'varrun', 'app.pid'), search_regex: 'ready', timeout: 3 });
    const r = runShell(waitForCommand(p), '/', waitForSettings(p));
    expect(r.stdout).toMatch(/^TPXWAIT ok \d+\n/);
    expect(r.stdout).toContain('state: ready');
  });

  it.skipIf(!asRoot)("another user's link on the way is not read, also when it appears while the wait polls", () => {
    const open = makeTempDir();
    const secrets = makeTempDir();
    runShell(`chmod 1777 ${open} && printf 'root only\\n' > ${secrets}/app.log && chmod 600 ${secrets}/app.log`, '/');
    // There from the start, and planted half a second into the wait (the path did not exist before).
    const plant = (name: string): string => `ln -s ${secrets} ${open}/${name} && chown -h 65534 ${open}/${name}`;
    runShell(plant('early'), '/');
    for (const [name, before] of [
      ['early', ''],
      ['late', `(sleep 0.5; ${plant('late')}) & `],
    ]) {
      const p = normaliseWaitFor({ path: join(open, name, 'app.log'), search_regex: 'root', timeout: 4 });
      const r = runShell(`${before}${waitForCommand(p)}`, '/', waitForSettings(p));
      expect(r.stdout, name).toMatch(new RegExp(`^TPXWAIT error .*the link ${open}/${name} on its way belongs to uid 65534`));
      expect(r.stdout, name).not.toContain('root only');
    }
  });
});

describe('wait_for: host', () => {
  it('refuses a host that would read as an option of nc or getent', () => {
    expect(() => normaliseWaitFor({ host: '-e/bin/sh', port: 22 })).toThrow(/'host' must be a host name or an address, not "-e\/bin\/sh"/);
  });
});
