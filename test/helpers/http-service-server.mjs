// The small HTTP service test/helpers/http-service.ts starts inside a lab host (node's own http
// module, nothing else): fixed routes for the uri and get_url tests. It listens on 127.0.0.1
// only and exits by itself after its time limit, whatever happens to the test.
//
//   node http-service-server.mjs PORT LIMIT_SECONDS
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const limitSeconds = Number(process.argv[3] ?? 600);
if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port ${process.argv[2]}`);

const APP_CONF = 'listen=8080\nworkers=4\n# served by the lab\n';
const DATA_BIN = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
const STATIC = 'static content\n';
/** A fixed Last-Modified for /files/static.txt, so that If-Modified-Since gets a 304. */
const STATIC_MODIFIED = new Date('2020-01-01T00:00:00Z');
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const SUMS = `${sha256(APP_CONF)}  app.conf\n${sha256(DATA_BIN)} *data.bin\n`;
/** Basic auth of /auth: tpx / s3cret-pass. */
const AUTH = `Basic ${Buffer.from('tpx:s3cret-pass').toString('base64')}`;
/** Most bytes of a request body kept (the tests send small ones). */
const MAX_BODY = 64 * 1024;

function send(res, status, type, body, headers = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

function route(req, res, body) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return send(res, Number(status[1]), 'text/plain; charset=utf-8', `status ${status[1]}\n`);
  switch (path) {
    case '/json':
      return send(res, 200, 'application/json', '{"name": "tpx", "items": [1, 2, 3], "nested": {"ok": true}}\n');
    case '/problem':
      return send(res, 200, 'application/problem+json', '{"title": "a problem"}');
    case '/text':
      return send(res, 200, 'text/plain; charset=utf-8', 'hello from the lab\n');
    case '/error':
      return send(res, 500, 'application/json', '{"error": "boom"}');
    case '/redirect':
      return send(res, 302, 'text/plain', 'moved\n', { Location: '/text' });
    case '/redirect-json':
      return send(res, 301, 'text/plain', 'moved\n', { Location: `http://127.0.0.1:${port}/json` });
    case '/redirect-307':
      return send(res, 307, 'text/plain', 'moved\n', { Location: '/echo' });
    case '/slow':
      return void setTimeout(() => send(res, 200, 'text/plain', 'slow\n'), 4000);
    case '/echo': {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host'));
      return send(res, 200, 'application/json', JSON.stringify({ method: req.method, query: url.search, headers, body: body.toString('utf8') }));
    }
    case '/auth':
      if (req.headers.authorization === AUTH) return send(res, 200, 'application/json', '{"user": "tpx"}');
      return send(res, 401, 'text/plain', 'who are you?\n', { 'WWW-Authenticate': 'Basic realm="lab"' });
    case '/files/app.conf':
      return send(res, 200, 'text/plain', APP_CONF);
    case '/files/data.bin':
      return send(res, 200, 'application/octet-stream', DATA_BIN);
    case '/files/sha256sums.txt':
      return send(res, 200, 'text/plain', SUMS);
    case '/files/static.txt': {
      const since = Date.parse(req.headers['if-modified-since'] ?? '');
      if (!Number.isNaN(since) && since >= STATIC_MODIFIED.getTime()) {
        res.writeHead(304, { 'Last-Modified': STATIC_MODIFIED.toUTCString() });
        return res.end();
      }
      return send(res, 200, 'text/plain', STATIC, { 'Last-Modified': STATIC_MODIFIED.toUTCString() });
    }
    case '/download':
      return send(res, 200, 'text/plain', 'named by the server\n', { 'Content-Disposition': 'attachment; filename="named.txt"' });
    default:
      return send(res, 404, 'text/plain', 'no such route\n');
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on('end', () => route(req, res, Buffer.concat(chunks)));
});
server.listen(port, '127.0.0.1');
setTimeout(() => process.exit(0), limitSeconds * 1000);
