// Loaded into tpx with `node --import bench/lib/count-channels.mjs bin/tpx.js run …`:
// counts the SSH connections and channels (exec, sftp) tpx opens per host, and how long each
// channel lives, by wrapping ssh2's Client. Writes JSON to $BENCH_CHANNELS_FILE at exit.
// Also records event-loop delay (max, p99). Changes nothing in what tpx does.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ROOT } from './paths.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const { Client } = require('ssh2');
const t0 = performance.now();
const byHost = new Map();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function entry(client) {
  const key = client.__benchKey ?? 'unknown';
  if (!byHost.has(key)) byHost.set(key, { connects: 0, connectMs: [], channels: [] });
  return byHost.get(key);
}

const connect = Client.prototype.connect;
Client.prototype.connect = function (config, ...rest) {
  // tpx hands ssh2 its own socket (`sock`), so the port comes from there.
  this.__benchKey = `${config.host ?? config.sock?.remoteAddress}:${config.port ?? config.sock?.remotePort}`;
  const e = entry(this);
  e.connects += 1;
  const start = performance.now();
  this.once('ready', () => e.connectMs.push(performance.now() - start));
  return connect.call(this, config, ...rest);
};

/** The command a channel ran, without tpx's header/sudo wrapper: its first real line. */
function describe(command) {
  const lines = String(command).split('\n');
  const sudo = /exec sudo /.test(command);
  const inner = sudo ? (/sh -c '(?:echo \S+go\n)?([\s\S]*)'$/.exec(command)?.[1] ?? lines[1]) : lines.slice(1).join(' ');
  return { sudo, command: (inner ?? '').replace(/\s+/g, ' ').slice(0, 120) };
}

function track(client, kind, detail, args) {
  const e = entry(client);
  const record = { kind, ...detail, start: performance.now() - t0, ms: NaN };
  e.channels.push(record);
  const cb = args[args.length - 1];
  if (typeof cb === 'function') {
    args[args.length - 1] = function (err, stream, ...rest) {
      record.openMs = performance.now() - t0 - record.start;
      if (!err && stream) stream.once('close', () => (record.ms = performance.now() - t0 - record.start));
      return cb.call(this, err, stream, ...rest);
    };
  }
  return args;
}

const exec = Client.prototype.exec;
Client.prototype.exec = function (command, ...rest) {
  return exec.call(this, command, ...track(this, 'exec', describe(command), rest));
};
const sftp = Client.prototype.sftp;
Client.prototype.sftp = function (...args) {
  return sftp.apply(this, track(this, 'sftp', {}, args));
};

process.on('exit', () => {
  const file = process.env.BENCH_CHANNELS_FILE;
  if (!file) return;
  const hosts = Object.fromEntries([...byHost].map(([k, v]) => [k, v]));
  const loop = { maxMs: loopDelay.max / 1e6, p99Ms: loopDelay.percentile(99) / 1e6, meanMs: loopDelay.mean / 1e6 };
  writeFileSync(file, JSON.stringify({ totalMs: performance.now() - t0, loop, hosts }, null, 1));
});
