import { createHash } from 'node:crypto';
import { chmodSync, existsSync, linkSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getUrlModule, getUrlSpec, normaliseGetUrl } from '../../src/modules/get-url.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { execResult, makeTempDir } from './fixtures.js';
import { runHere, send, startRawServer, startServer } from './http-fixtures.js';
import { makeContext } from './local-executor.js';

const ctx = makeContext();
const url = 'http://127.0.0.1:8080/f.tgz';
const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
const sha1 = (text: string | Buffer): string => createHash('sha1').update(text).digest('hex');

describe('get_url: parameters', () => {
  it("has Ansible's defaults and aliases", () => {
    expect(normaliseGetUrl({ url, dest: '/tmp/f' })).toMatchObject({ url, dest: '/tmp/f', force: false, backup: false, timeout: 10, checksum: undefined });
    expect(normaliseGetUrl({ url, dest: '/d', username: 'ops', password: 'get-url-alias-pw', thirsty: 'yes', mode: '0640' })).toMatchObject({
      urlUsername: 'ops',
      urlPassword: 'get-url-alias-pw',
      force: true,
      mode: 0o640,
    });
  });

  it.each<[string, unknown]>([
    ['sha256:AB:CD ef\u200b', { algorithm: 'sha256', hex: 'abcdef' }],
    ['md5:0123', { algorithm: 'md5', hex: '0123' }],
    ['sha256:https://example.com/SHA256SUMS', { algorithm: 'sha256', url: 'https://example.com/SHA256SUMS' }],
  ])('reads checksum %j', (checksum, expected) => {
    expect(normaliseGetUrl({ url, dest: '/d', checksum }).checksum).toEqual(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ url, dest: '/d', checksum: 'abc' }, /The checksum parameter has to be in format <algorithm>:<checksum>/],
    [{ url, dest: '/d', checksum: 'sha256:xyz' }, /The checksum format is invalid/],
    [{ url, dest: '/d', checksum: 'crc32:00' }, /checksum algorithm 'crc32' is not one of md5, sha1/],
    [{ url, dest: '/d', checksum: 'sha256:ftp://h/sums' }, /checksum files at 'ftp' URLs are not supported yet/],
    [{ url, dest: '/d', tmp_dest: '/var/tmp' }, /'tmp_dest' is not supported yet/],
    [{ url, dest: '/d', unsafe_writes: true }, /'unsafe_writes' is not supported yet/],
    [{ url, dest: '/d', ciphers: ['x'] }, /'ciphers' is not supported yet/],
    [{ url: 'file:///etc/passwd', dest: '/d' }, /'file' URLs are not supported yet/],
    [{ url, dest: '/d', mode: 'u+x' }, /symbolic mode 'u\+x' is not supported/],
    [{ url }, /'dest' is required/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseGetUrl(args)).toThrow(ModuleArgsError);
    expect(() => normaliseGetUrl(args)).toThrow(message);
  });

  it('leaves redirects to Python, and says check mode to the host', () => {
    expect(getUrlSpec(normaliseGetUrl({ url, dest: '/d' }), true)).toMatchObject({ follow_redirects: 'urllib2', check: true, dest: '/d', force: false });
  });

  it("takes the host's result as it is, a failure keeping changed", async () => {
    const p = normaliseGetUrl({ url, dest: '/d' });
    const ok = `tpx-http-v1\n${JSON.stringify({ get_url: { changed: true, msg: 'OK (1 bytes)', dest: '/d', status_code: 200 } })}\n`;
    expect(await getUrlModule.plan(p, { http: execResult(ok) }, ctx)).toEqual({
      changed: true,
      actions: [],
      msg: 'OK (1 bytes)',
      returns: { dest: '/d', status_code: 200 },
    });
    const bad = `tpx-http-v1\n${JSON.stringify({ get_url: { changed: true, failed: true, msg: 'The checksum for /d did not match' } })}\n`;
    expect(await getUrlModule.plan(p, { http: execResult(bad) }, ctx)).toMatchObject({ failed: true, changed: true, msg: 'The checksum for /d did not match' });
  });
});

describe('get_url: on this machine (host/http-request.py against a server in this test)', () => {
  const APP = 'listen=8080\n';
  const routes = {
    '/files/app.conf': (_q: unknown, res: Parameters<typeof send>[0]) => send(res, 200, 'text/plain', APP),
    '/files/sums': (_q: unknown, res: Parameters<typeof send>[0]) => send(res, 200, 'text/plain', `${sha256(APP)}  app.conf\n`),
    '/evil': (_q: unknown, res: Parameters<typeof send>[0]) =>
      send(res, 200, 'text/plain', 'evil\n', { 'Content-Disposition': 'attachment; filename="../../escaped"' }),
  };

  it('downloads, then changes nothing; replaces a changed file keeping its mode; leaves no temporary file', async () => {
    const base = await startServer(routes);
    const dir = makeTempDir();
    const dest = join(dir, 'app.conf');
    const first = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest, mode: '0640' }, ctx);
    expect(first.result).toMatchObject({
      changed: true,
      failed: false,
      msg: 'OK (12 bytes)',
      status_code: 200,
      checksum_src: sha1(APP),
      checksum_dest: null,
      mode: '0640',
      size: 12,
    });
    expect(readFileSync(dest, 'utf8')).toBe(APP);
    const again = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest, mode: '0640' }, ctx);
    expect(again.result).toMatchObject({ changed: false, checksum_src: sha1(APP), checksum_dest: sha1(APP) });

    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o604);
    const replaced = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest, backup: true }, ctx);
    expect(replaced.result).toMatchObject({ changed: true, mode: '0604', checksum_dest: sha1('old\n') });
    expect(readFileSync(dest, 'utf8')).toBe(APP);
    expect(readFileSync(String(replaced.result.backup_file), 'utf8')).toBe('old\n');
    // Ansible's backup name: basename.PID.YYYY-MM-DD@HH:MM:SS~
    expect(String(replaced.result.backup_file)).toMatch(/\/app\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(readdirSync(dir).filter((n) => n.startsWith('.tpx-get_url'))).toEqual([]);
  });

  it('skips a file that matches its checksum (from a URL), and fixes only its mode', async () => {
    const base = await startServer(routes);
    const dest = join(makeTempDir(), 'app.conf');
    writeFileSync(dest, APP, { mode: 0o644 });
    const r = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest, checksum: `sha256:${base}/files/sums`, mode: '0600' }, ctx);
    expect(r.result).toMatchObject({ changed: true, msg: 'file already exists but file attributes changed', checksum_src: null });
    expect(statSync(dest).mode & 0o777).toBe(0o600);
  });

  it('refuses a link at dest and leaves its target alone', async () => {
    const base = await startServer(routes);
    const dir = makeTempDir();
    const target = join(dir, 'target');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, join(dir, 'link'));
    const r = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest: join(dir, 'link'), force: true }, ctx);
    expect(r.result).toMatchObject({ failed: true, msg: `${join(dir, 'link')} is a symbolic link; get_url does not follow links (not supported yet)` });
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  it('keeps a Content-Disposition name inside dest, and a mismatching download out of it', async () => {
    const base = await startServer(routes);
    const dir = makeTempDir();
    mkdirSync(join(dir, 'in'));
    const named = await runHere(getUrlModule, { url: `${base}/evil`, dest: join(dir, 'in') }, ctx);
    expect(named.result).toMatchObject({ changed: true, dest: join(dir, 'in', 'escaped') });
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
    const bad = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest: join(dir, 'bad.conf'), checksum: 'sha256:00' }, ctx);
    expect(bad.result).toMatchObject({
      failed: true,
      changed: false,
      msg: `The checksum for ${join(dir, 'bad.conf')} did not match 00; it was ${sha256(APP)}.`,
    });
    expect(readdirSync(dir).sort()).toEqual(['in']);
  });

  it('makes only a HEAD request in check mode and writes nothing', async () => {
    const methods: string[] = [];
    const base = await startServer({
      '/f': (req, res) => {
        methods.push(req.method ?? '');
        send(res, 200, 'text/plain', 'body\n');
      },
    });
    const dir = makeTempDir();
    const r = await runHere(getUrlModule, { url: `${base}/f`, dest: join(dir, 'f') }, makeContext({ check: true }));
    expect(r.result).toMatchObject({ changed: true, msg: 'OK (5 bytes)', checksum_src: sha1('') });
    expect(methods).toEqual(['HEAD']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails as Ansible: a 404 is 'Request failed', a missing directory is named", async () => {
    const base = await startServer(routes);
    const dir = makeTempDir();
    const missing = await runHere(getUrlModule, { url: `${base}/nope`, dest: join(dir, 'x') }, ctx);
    expect(missing.result).toMatchObject({ failed: true, msg: 'Request failed', response: 'HTTP Error 404: Not Found', status_code: 404 });
    const nodir = await runHere(getUrlModule, { url: `${base}/files/app.conf`, dest: join(dir, 'no', 'x') }, ctx);
    expect(nodir.result).toMatchObject({ failed: true, msg: `Destination ${join(dir, 'no')} does not exist`, checksum_src: sha1(APP) });
  });
});

/** Another user on the host: what a local attacker owns (these tests run as root, else they are skipped). */
const OTHER = 65534;
const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('get_url: another local user on the host (security review)', () => {
  const APP = 'listen=8080\n';
  const routes = { '/app.conf': (_q: unknown, res: Parameters<typeof send>[0]) => send(res, 200, 'text/plain', APP) };
  /** A directory like /tmp: world-writable, sticky. */
  const sharedDir = (): string => {
    const dir = makeTempDir();
    chmodSync(dir, 0o1777);
    return dir;
  };

  it('does not replace a file another user put in a world-writable directory (nor hand that user the download)', async () => {
    const base = await startServer(routes);
    const dir = sharedDir();
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'planted\n', { mode: 0o666 });
    lchownSync(dest, OTHER, OTHER);
    const r = await runHere(getUrlModule, { url: `${base}/app.conf`, dest }, ctx);
    expect(r.result).toMatchObject({ failed: true, changed: false, msg: expect.stringMatching(/belongs to uid 65534 in a world-writable directory/) });
    expect(readFileSync(dest, 'utf8')).toBe('planted\n');
    expect(readdirSync(dir)).toEqual(['app.conf']);
    // Unless the task asks for that very owner.
    const owned = await runHere(getUrlModule, { url: `${base}/app.conf`, dest, owner: String(OTHER) }, ctx);
    expect(owned.result).toMatchObject({ failed: false, changed: true, uid: OTHER });
    expect(readFileSync(dest, 'utf8')).toBe(APP);
  });

  it("does not follow another user's link, or enter their directory, in a world-writable directory", async () => {
    const base = await startServer(routes);
    const dir = sharedDir();
    const target = makeTempDir();
    symlinkSync(target, join(dir, 'dl'));
    lchownSync(join(dir, 'dl'), OTHER, OTHER);
    mkdirSync(join(dir, 'theirs'));
    lchownSync(join(dir, 'theirs'), OTHER, OTHER);
    for (const dest of [join(dir, 'dl', 'app.conf'), `${join(dir, 'dl')}/`, join(dir, 'theirs', 'app.conf')]) {
      const r = await runHere(getUrlModule, { url: `${base}/app.conf`, dest }, ctx);
      expect(r.result).toMatchObject({ failed: true, changed: false, msg: expect.stringMatching(/belongs to uid 65534 in a world-writable directory/) });
    }
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(join(dir, 'theirs'))).toEqual([]);
    // Our own link there is followed, as the kernel's protected_symlinks does.
    const ours = join(dir, 'ours');
    symlinkSync(target, ours);
    const r = await runHere(getUrlModule, { url: `${base}/app.conf`, dest: join(ours, 'app.conf') }, ctx);
    expect(r.result).toMatchObject({ failed: false, changed: true });
    expect(readFileSync(join(target, 'app.conf'), 'utf8')).toBe(APP);
  });

  it('does not change a file with other hard links in a world-writable directory', async () => {
    const base = await startServer(routes);
    const dir = sharedDir();
    const precious = join(makeTempDir(), 'precious');
    writeFileSync(precious, APP, { mode: 0o600 });
    linkSync(precious, join(dir, 'app.conf'));
    const r = await runHere(getUrlModule, { url: `${base}/app.conf`, dest: join(dir, 'app.conf'), mode: '0644' }, ctx);
    expect(r.result).toMatchObject({ failed: true, msg: expect.stringMatching(/has other hard links, in a world-writable directory/) });
    expect(statSync(precious).mode & 0o777).toBe(0o600);
  });
});

describe('get_url: a hostile server naming the file (security review)', () => {
  it('fails cleanly on a Content-Disposition name with a NUL or too long for a file name, writing nothing', async () => {
    const answer = (name: string) =>
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Disposition: attachment; filename="${name}"\r\nConnection: close\r\n\r\nhi\n`, 'latin1');
    for (const name of ['a\0b', 'n'.repeat(300)]) {
      const base = await startRawServer(answer(name));
      const dir = makeTempDir();
      const r = await runHere(getUrlModule, { url: `${base}/f`, dest: dir }, ctx);
      expect(r.result).toMatchObject({
        failed: true,
        msg: expect.stringMatching(/^the file name the server gave \(Content-Disposition or URL\) is not usable in /),
      });
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
