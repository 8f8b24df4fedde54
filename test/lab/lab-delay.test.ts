import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { relayDelayed } from '../../src/lab/bridge/delayed-relay.js';
import { setLabFault } from '../../src/lab/faults.js';
import { runProcess } from '../../src/lab/run-process.js';
import type { LabHost, LabState } from '../../src/lab/types.js';
import { labSshArgs, labSupported, useLab } from '../helpers/lab.js';

describe('relayDelayed', () => {
  it('passes each chunk, then the end, delayMs after it arrived, in order', async () => {
    vi.useFakeTimers();
    try {
      const from = new PassThrough();
      const to = new PassThrough();
      const got: string[] = [];
      let ended = false;
      to.on('data', (c: Buffer) => got.push(`${Date.now()}:${c}`));
      to.on('end', () => (ended = true));
      const t0 = Date.now();
      relayDelayed(from, to, 25, () => Date.now());
      from.write('a');
      await vi.advanceTimersByTimeAsync(10);
      from.write('b');
      from.end();
      await vi.advanceTimersByTimeAsync(14);
      expect(got).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(got).toEqual([`${t0 + 25}:a`]);
      await vi.advanceTimersByTimeAsync(9);
      expect(got).toEqual([`${t0 + 25}:a`]);
      expect(ended).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(got).toEqual([`${t0 + 25}:a`, `${t0 + 35}:b`]);
      expect(ended).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops what it holds once the destination closes', async () => {
    vi.useFakeTimers();
    try {
      const from = new PassThrough();
      const to = new PassThrough();
      const written = vi.spyOn(to, 'write');
      relayDelayed(from, to, 25, () => Date.now());
      from.write('a');
      await vi.advanceTimersByTimeAsync(1);
      to.destroy();
      await vi.advanceTimersByTimeAsync(50);
      expect(written).not.toHaveBeenCalled();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

const lab = useLab({ hosts: 1, versions: ['none'] });

/** The real OpenSSH client's arguments to reach `host` through the bridge (then the command). */
function sshArgs(state: LabState, host: LabHost): string[] {
  return ['-T', ...labSshArgs(state, host, ['-o', 'ConnectTimeout=20'])];
}

/**
 * The shortest of `n` round trips over one SSH session through the bridge: the real OpenSSH
 * client runs `cat` on the host; each line written comes back, and the time until it does is
 * one round trip (plus the host's `cat`). The shortest is the one least disturbed by load.
 */
function shortestRoundTripMs(state: LabState, host: LabHost, n = 5): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', [...sshArgs(state, host), 'echo ready; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('no round trips within 30 s'));
    }, 30_000);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`ssh ended (exit ${code}) before ${n} round trips: ${stderr.trim()}`));
    });
    const times: number[] = [];
    let buf = '';
    let sentAt = 0;
    const ping = (): void => {
      sentAt = performance.now();
      child.stdin.write(`ping ${times.length}\n`);
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      if (buf === 'ready\n') {
        buf = '';
        ping();
      } else if (buf === `ping ${times.length}\n`) {
        times.push(performance.now() - sentAt);
        buf = '';
        if (times.length < n) return ping();
        clearTimeout(timer);
        child.removeAllListeners('close');
        child.stdin.end();
        resolve(Math.min(...times));
      }
    });
  });
}

describe.skipIf(!labSupported())('the bridge delay fault', () => {
  it('adds its ms to the round trip of connections made while set, sessions work through it; null clears it; a bad one is refused', async () => {
    const { state } = lab;
    const h = state.hosts[0];
    const plain = await shortestRoundTripMs(state, h);
    await setLabFault(state.dir, h.name, { kind: 'delay', ms: 50 });
    let delayed: number;
    try {
      delayed = await shortestRoundTripMs(state, h);
      // Whole sessions work through the relay: stdin, its end, output after it, the exit code.
      const r = await runProcess('ssh', [...sshArgs(state, h), 'cat; echo done; exit 3'], { input: 'abc\n', timeoutMs: 30_000 });
      expect([r.stdout, r.code]).toEqual(['abc\ndone\n', 3]);
    } finally {
      await setLabFault(state.dir, h.name, null);
    }
    const cleared = await shortestRoundTripMs(state, h);
    // Lower bounds only: the relay holds each byte 25 ms each way, never less.
    expect(delayed - plain).toBeGreaterThanOrEqual(45);
    expect(delayed - cleared).toBeGreaterThanOrEqual(45);
    await expect(setLabFault(state.dir, h.name, { kind: 'delay', ms: -1 })).rejects.toThrow(/not a fault/);
    await expect(setLabFault(state.dir, h.name, { kind: 'delay' } as never)).rejects.toThrow(/not a fault/);
  });
});
