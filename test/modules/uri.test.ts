import { describe, expect, it } from 'vitest';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { HTTP_REQUEST_COMMAND, readAnswer } from '../../src/modules/http-request.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { absoluteLocation, formUrlencoded, normaliseUri, uriModule, uriResult, uriSpec, type UriParams } from '../../src/modules/uri.js';
import { execResult } from './fixtures.js';
import { runHere, send, startServer } from './http-fixtures.js';
import { makeContext } from './local-executor.js';

const ctx = makeContext();
const url = 'http://127.0.0.1:8080/x';

describe('uri: parameters', () => {
  it("has Ansible's defaults", () => {
    expect(normaliseUri({ url })).toMatchObject({
      url,
      method: 'GET',
      statusCodes: [200],
      returnContent: false,
      followRedirects: 'safe',
      timeout: 30,
      httpAgent: 'ansible-httpget',
      forceBasicAuth: false,
      useProxy: true,
      validateCerts: true,
      decompress: true,
      useNetrc: true,
      headers: {},
      body: undefined,
    });
  });

  it.each<[unknown, number[]]>([
    [204, [204]],
    ['200,201', [200, 201]],
    [
      ['200', 301],
      [200, 301],
    ],
    [[-1], [-1]],
  ])('reads status_code %j', (status_code, codes) => {
    expect(normaliseUri({ url, status_code }).statusCodes).toEqual(codes);
  });

  it('takes the aliases user and password, and a method in any case', () => {
    expect(normaliseUri({ url, user: 'ops', password: 'alias-password', method: 'post' })).toMatchObject({
      urlUsername: 'ops',
      urlPassword: 'alias-password',
      method: 'POST',
    });
  });

  it('reads follow_redirects booleans as Ansible does', () => {
    expect(normaliseUri({ url, follow_redirects: true }).followRedirects).toBe('yes');
    expect(normaliseUri({ url, follow_redirects: false }).followRedirects).toBe('no');
    expect(normaliseUri({ url, follow_redirects: 'none' }).followRedirects).toBe('none');
  });

  it('encodes a JSON body as Python json.dumps and sets Content-Type unless headers do', () => {
    const p = normaliseUri({ url, body_format: 'json', body: { a: 1, b: ['x', 'é'], c: null } });
    expect(p.body).toBe('{"a": 1, "b": ["x", "\\u00e9"], "c": null}');
    expect(p.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(normaliseUri({ url, body_format: 'json', body: '{"pre": 1}', headers: { 'content-TYPE': 'x/y' } })).toMatchObject({
      body: '{"pre": 1}',
      headers: { 'content-TYPE': 'x/y' },
    });
  });

  it('encodes a form body as urlencode(doseq=True)', () => {
    expect(formUrlencoded({ name: 'a b&c', list: [1, 2], none: null, ok: true, uni: 'é/~' })).toBe('name=a+b%26c&list=1&list=2&ok=True&uni=%C3%A9%2F~');
    expect(
      formUrlencoded([
        ['k', 'v'],
        ['k', "it's"],
      ]),
    ).toBe('k=v&k=it%27s');
    expect(normaliseUri({ url, body_format: 'form-urlencoded', body: { a: 1 } })).toMatchObject({
      body: 'a=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ url, method: 'GET X' }, /Parameter 'method' needs to be a single word in uppercase, like GET or POST\./],
    [{ url, body_format: 'form-multipart', body: { a: 1 } }, /body_format 'form-multipart' is not supported yet/],
    [{ url, dest: '/tmp/x' }, /'dest' is not supported yet \(download files with get_url\)/],
    [{ url, src: '/tmp/x' }, /'src' is not supported yet/],
    [{ url, unix_socket: '/run/x.sock' }, /'unix_socket' is not supported yet/],
    [{ url, client_cert: '/c.pem' }, /'client_cert' is not supported yet/],
    [{ url, use_gssapi: true }, /'use_gssapi' is not supported yet/],
    [{ url: 'ftp://host/file' }, /'ftp' URLs are not supported yet/],
    [{ url: 'host/path' }, /'url' must be an http:\/\/ or https:\/\/ URL/],
    [{ url, status_code: 'ok' }, /'status_code' must be HTTP status codes/],
    [{ url, body: { a: 1 } }, /'body' must be text with body_format raw/],
    [{ url, headers: ['a'] }, /'headers' must be a mapping/],
    [{ url, retrun_content: true }, /did you mean 'return_content'/],
    [{}, /'url' is required/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseUri(args)).toThrow(ModuleArgsError);
    expect(() => normaliseUri(args)).toThrow(message);
  });

  it('masks the password, Authorization headers and the Basic token in all output', () => {
    normaliseUri({ url, url_username: 'ops', url_password: 'uri-test-password', headers: { authorization: 'Bearer uri-test-token' } });
    expect(secretMasker.mask('p=uri-test-password h=Bearer uri-test-token')).toBe('p=******** h=********');
    const token = Buffer.from('ops:uri-test-password').toString('base64');
    expect(secretMasker.mask(`Basic ${token}`)).toBe('Basic ********');
    normaliseUri({ url: 'http://who:uri-test-url-secret@127.0.0.1/' });
    expect(secretMasker.mask('uri-test-url-secret')).toBe('********');
  });

  it('sends the request on stdin, never on the command line', () => {
    const p = normaliseUri({ url, url_username: 'ops', url_password: 'stdin-only-secret', headers: { Authorization: 'Bearer stdin-only-token' } });
    const [fact] = uriModule.facts!(p, ctx);
    expect(fact.command).toBe(HTTP_REQUEST_COMMAND);
    expect(fact.command).not.toContain('stdin-only');
    expect(JSON.parse(String(fact.stdin))).toMatchObject({ url_password: 'stdin-only-secret', headers: { Authorization: 'Bearer stdin-only-token' } });
  });

  it('keeps bodies within tpx_output_limit and sends them base64-encoded', () => {
    const p = normaliseUri({ url, body: 'hé' });
    expect(uriSpec(p, {})).toMatchObject({ body: Buffer.from('hé').toString('base64'), max_content: (1024 * 1024) / 2 - 4096 });
    expect(uriSpec(p, { tpx_output_limit: '16M' }).max_content).toBe(8 * 1024 * 1024 - 4096);
  });

  it('is skipped in check mode without running anything, as Ansible 2.14', async () => {
    const check = makeContext({ check: true });
    const p = normaliseUri({ url });
    expect(uriModule.facts!(p, check)).toEqual([]);
    expect(await uriModule.plan(p, {}, check)).toMatchObject({ skipInCheckMode: true, msg: 'remote module (ansible.legacy.uri) does not support check mode' });
  });
});

describe('uri: results', () => {
  it.each<[string, string, string]>([
    ['http://h:1/a/b', '/c', 'http://h:1/c'],
    ['http://h:1/a/b', 'c', 'http://h:1/a/c'],
    ['http://h:1/a/b', 'https://o/x', 'https://o/x'],
    ['http://h:1', '/c', 'http://h:1/c'],
  ])('makes Location %s + %s absolute: %s', (base, location, expected) => {
    expect(absoluteLocation(base, location)).toBe(expected);
  });

  const p = (args: Record<string, unknown> = {}): UriParams => normaliseUri({ url, ...args });
  const info = (status: number, msg: string, more: Record<string, unknown> = {}) => ({ url, status, msg, 'content-type': 'text/plain', ...more });
  const tooLarge = () => 'too large';

  it('turns header names into keys and keeps what Ansible keeps', () => {
    const r = uriResult(p(), { uri: { info: info(200, 'OK (2 bytes)', { 'x-Request-ID': 'a', cookies: {} }), elapsed: 0, json: { a: 1 } } }, tooLarge);
    expect(r).toEqual({
      failed: false,
      result: {
        redirected: false,
        url,
        status: 200,
        msg: 'OK (2 bytes)',
        content_type: 'text/plain',
        x_request_id: 'a',
        cookies: {},
        elapsed: 0,
        changed: false,
        json: { a: 1 },
      },
    });
  });

  it("fails a status that is not expected, with Ansible's message", () => {
    const r = uriResult(
      p({ status_code: [200, 201], return_content: true }),
      { uri: { info: info(404, 'HTTP Error 404: Not Found'), content: 'gone' } },
      tooLarge,
    );
    expect(r.failed).toBe(true);
    expect(r.result).toMatchObject({ msg: 'Status code was 404 and not [200, 201]: HTTP Error 404: Not Found', content: 'gone', status: 404 });
  });

  it('makes a redirect location absolute, and says redirected when the URL changed', () => {
    const r = uriResult(p(), { uri: { info: info(302, 'HTTP Error 302: Found', { location: '/y' }) } }, tooLarge);
    expect(r.result).toMatchObject({ location: 'http://127.0.0.1:8080/y', redirected: false });
    expect(uriResult(p(), { uri: { info: info(200, 'OK', { url: `${url}2` }) } }, tooLarge).result.redirected).toBe(true);
  });

  it('keeps the body of an expected HTTP error, as Ansible does', () => {
    expect(uriResult(p({ status_code: 404 }), { uri: { info: info(404, 'HTTP Error 404: Not Found'), body: 'no\n' } }, tooLarge)).toMatchObject({
      failed: false,
      result: { body: 'no\n', msg: 'HTTP Error 404: Not Found' },
    });
  });

  it('answers creates/removes as a skip in stdout, a fatal request as a failure, a body too large as a failure', () => {
    expect(uriResult(p(), { uri: { skipped: "skipped, since '/x' exists" } }, tooLarge)).toEqual({
      failed: false,
      result: { stdout: "skipped, since '/x' exists", stdout_lines: ["skipped, since '/x' exists"] },
    });
    expect(uriResult(p(), { fatal: "unknown url type: 'x'" }, tooLarge)).toEqual({ failed: true, result: { url, status: -1, msg: "unknown url type: 'x'" } });
    expect(uriResult(p(), { uri: { too_large: true } }, tooLarge)).toEqual({ failed: true, result: { url, msg: 'too large' } });
  });

  it('says what is wrong when the host has no answer', () => {
    expect(() => readAnswer('uri', execResult('', 127, 'sh: 1: python3: not found\n'))).toThrow(/uri needs python3 on the host/);
    expect(() => readAnswer('uri', { ...execResult('tpx-http-v1\n{"uri"'), stdoutDropped: 10 })).toThrow(/larger than tpx_output_limit keeps/);
    expect(() => readAnswer('uri', execResult('Traceback\n', 1, 'ValueError: boom\n'))).toThrow(/the request on the host failed: ValueError: boom/);
    expect(() => readAnswer('uri', execResult('tpx-http-v1\nnot json\n'))).toThrow(/an answer tpx cannot read/);
  });
});

describe('uri: on this machine (host/http-request.py against a server in this test)', () => {
  it('GETs JSON, fails a 404 as Ansible does, follows a redirect, sends a JSON body and headers', async () => {
    const base = await startServer({
      '/json': (_q, res) => send(res, 200, 'application/json; charset=utf-8', '{"a": [1, 2]}'),
      '/redirect': (_q, res) => send(res, 302, 'text/plain', '', { Location: '/json' }),
      '/echo': (req, res, body) =>
        send(res, 201, 'application/vnd.x+json', JSON.stringify({ method: req.method, headers: req.headers, body: body.toString() })),
      '/big': (_q, res) => send(res, 200, 'text/plain', 'x'.repeat(4000)),
    });
    const ok = await runHere(uriModule, { url: `${base}/json` }, ctx);
    expect(ok.result).toMatchObject({
      status: 200,
      msg: 'OK (13 bytes)',
      json: { a: [1, 2] },
      redirected: false,
      failed: false,
      changed: false,
      content_length: '13',
    });
    expect(ok.result.content).toBeUndefined();

    const missing = await runHere(uriModule, { url: `${base}/nope`, return_content: true }, ctx);
    expect(missing.result).toMatchObject({
      failed: true,
      status: 404,
      msg: 'Status code was 404 and not [200]: HTTP Error 404: Not Found',
      content: 'no such route\n',
    });

    const redirected = await runHere(uriModule, { url: `${base}/redirect` }, ctx);
    expect(redirected.result).toMatchObject({ status: 200, redirected: true, url: `${base}/json` });
    const stopped = await runHere(uriModule, { url: `${base}/redirect`, follow_redirects: 'none' }, ctx);
    expect(stopped.result).toMatchObject({ failed: true, status: 302, location: `${base}/json` });

    const echo = await runHere(
      uriModule,
      { url: `${base}/echo`, method: 'POST', body_format: 'json', body: { k: 'v' }, headers: { 'X-One': 1 }, status_code: 201 },
      ctx,
    );
    expect(echo.result).toMatchObject({
      status: 201,
      json: { method: 'POST', body: '{"k": "v"}', headers: { 'x-one': '1', 'content-type': 'application/json', 'user-agent': 'ansible-httpget' } },
    });

    const big = await runHere(uriModule, { url: `${base}/big`, return_content: true }, makeContext({ vars: { tpx_output_limit: 2048 } }));
    expect(big.result).toMatchObject({
      failed: true,
      msg: expect.stringMatching(/^the response body is larger than 1\.0 KiB, the most tpx keeps with tpx_output_limit at 2\.0 KiB; raise it/),
    });
  });

  it("fails a refused connection with urllib's words, and skips with creates", async () => {
    const refused = await runHere(uriModule, { url: 'http://127.0.0.1:1/' }, ctx);
    expect(refused.result).toMatchObject({
      failed: true,
      status: -1,
      msg: 'Status code was -1 and not [200]: Request failed: <urlopen error [Errno 111] Connection refused>',
    });
    const skipped = await runHere(uriModule, { url: 'http://127.0.0.1:1/', creates: '/' }, ctx);
    expect(skipped.result).toEqual({ stdout: "skipped, since '/' exists", stdout_lines: ["skipped, since '/' exists"], changed: false, failed: false });
  });
});

describe('uri: secrets stay out of messages (security review)', () => {
  it('refuses a header value with a line break before the host quotes it in an error', () => {
    const args = { url, headers: { Authorization: 'Bearer review-header-token\nX-Injected: 1' } };
    expect(() => normaliseUri(args)).toThrow(/the value of header 'Authorization' has a line break or a NUL character \(not shown\)/);
    expect(() => normaliseUri(args)).not.toThrow(/review-header-token/);
  });

  it("masks a URL password as Python splits it (first ':'), written and percent-decoded, and the Basic token sent", () => {
    normaliseUri({ url: 'http://who:rv:pass%40word@127.0.0.1/' });
    expect(secretMasker.mask('http://who:rv:pass%40word@127.0.0.1/')).toBe('http://who:********@127.0.0.1/');
    expect(secretMasker.mask('rv:pass@word')).toBe('********');
    expect(secretMasker.mask(Buffer.from('who:rv:pass@word').toString('base64'))).toBe('********');
  });

  it("percent-decodes the URL's credentials as Ansible does", async () => {
    const base = await startServer({
      '/auth': (req, res) =>
        req.headers.authorization
          ? send(res, 200, 'application/json', JSON.stringify({ auth: req.headers.authorization }))
          : send(res, 401, 'text/plain', 'who?\n', { 'WWW-Authenticate': 'Basic realm="r"' }),
    });
    const r = await runHere(uriModule, { url: base.replace('http://', 'http://who:p%40ss@') + '/auth' }, ctx);
    expect(r.result).toMatchObject({ status: 200, json: { auth: `Basic ${Buffer.from('who:p@ss').toString('base64')}` } });
  });
});

describe('uri: a hostile server (security review)', () => {
  it('reads JSON nested deeper than Python can as no json, as Ansible does, instead of crashing', async () => {
    const base = await startServer({ '/deep': (_q, res) => send(res, 200, 'application/json', '['.repeat(100_000)) });
    const r = await runHere(uriModule, { url: `${base}/deep` }, ctx);
    expect(r.result).toMatchObject({ status: 200, failed: false });
    expect(r.result.json).toBeUndefined();
  });

  it('takes no verdict from headers: Skipped, Failed, Changed; a Body header does not crash the host script', async () => {
    const base = await startServer({
      '/lie': (_q, res) => send(res, 200, 'text/plain', 'ok', { Skipped: 'true', Failed: 'false', Changed: 'true', Unreachable: '1', Body: 'x' }),
      '/lie404': (_q, res) => send(res, 404, 'text/plain', 'gone', { Skipped: 'true', Failed: 'false', Body: 'x' }),
    });
    const ok = await runHere(uriModule, { url: `${base}/lie` }, ctx);
    expect(ok.result).toMatchObject({ status: 200, failed: false, changed: false, body: 'x' });
    expect(ok.result.skipped).toBeUndefined();
    expect(ok.result.unreachable).toBeUndefined();
    expect(ok.plan.returns).not.toHaveProperty('failed');
    const bad = await runHere(uriModule, { url: `${base}/lie404`, return_content: true }, ctx);
    expect(bad.result).toMatchObject({ status: 404, failed: true, content: 'gone' });
    expect(bad.plan.returns).not.toHaveProperty('skipped');
    expect(bad.plan.returns).not.toHaveProperty('failed');
  });

  it('follows no redirect to a scheme other than http and https (ftp included)', async () => {
    const base = await startServer({ '/to-ftp': (_q, res) => send(res, 302, 'text/plain', '', { Location: 'ftp://127.0.0.1:1/x' }) });
    const r = await runHere(uriModule, { url: `${base}/to-ftp`, follow_redirects: 'all' }, ctx);
    expect(r.result).toMatchObject({
      failed: true,
      status: 302,
      msg: "Status code was 302 and not [200]: HTTP Error 302: Found - Redirection to url 'ftp://127.0.0.1:1/x' is not allowed",
    });
  });
});
