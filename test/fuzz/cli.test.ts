import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT } from '../cli/run-built-tpx.js';
import { loadSeedCorpus } from './corpus.js';
import { describeCase, makeCase, type FuzzCase } from './make-case.js';
import { caseSeed, createRng } from './prng.js';

/**
 * Mutated playbooks and inventories through the real CLI, `tpx validate`, each in a fresh
 * process: exit 0, or exit 4 with `FILE:LINE:COL: message` lines inside the file and no stack
 * trace. Some cases are written as raw bytes (invalid UTF-8, BOMs, CRLF) the way a file can be.
 */
const RUN_SEED = Number(process.env.FUZZ_SEED ?? 20_240_601) + 1;
const CASES = Number(process.env.FUZZ_CLI_CASES ?? 200);
const PARALLEL = 2;
const TIMEOUT_MS = 30_000;
const BIN = join(REPO_ROOT, 'bin', 'tpx.js');

const dir = mkdtempSync(join(tmpdir(), 'tpx-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runTpx(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    // The temporary directory as cwd: no ./inventory.yaml is picked up there.
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** The bytes of a case: its text, sometimes spoilt the way files on disk are. */
function bytesOf(c: FuzzCase): Buffer {
  const rng = createRng(caseSeed(RUN_SEED ^ 0x5bd1e995, c.index));
  const bytes = Buffer.from(c.text, 'utf8');
  const roll = rng.next();
  if (roll < 0.08) {
    const at = rng.int(bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([rng.pick([0xff, 0xfe, 0xc3, 0xe9, 0x80, 0xed])]), bytes.subarray(at)]);
  }
  if (roll < 0.12) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  if (roll < 0.14) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(c.text, 'utf16le')]);
  return bytes;
}

/** What is wrong with one run, if anything. */
function checkRun(file: string, bytes: Buffer, run: Run): string[] {
  if (run.timedOut) return [`no exit within ${TIMEOUT_MS} ms`];
  if (/^\s+at |\bat Object\.|internal error|node:internal/m.test(run.stderr)) return [`stack trace or internal error on stderr:\n${run.stderr.slice(0, 600)}`];
  if (run.code === 0) return /^ok: /m.test(run.stdout) ? [] : [`exit 0 without "ok:": ${run.stdout.slice(0, 200)}`];
  if (run.code !== 4) return [`exit ${run.code}:\n${run.stderr.slice(0, 600)}`];
  const lines = bytes.toString('utf8').split('\n');
  const headlines = run.stderr.split('\n').filter((l) => l.startsWith(`${file}:`));
  if (headlines.length === 0) return [`exit 4 without a ${file}:LINE:COL line:\n${run.stderr.slice(0, 600)}`];
  const out: string[] = [];
  for (const h of headlines) {
    const m = /^.*?:(\d+):(\d+): (.+)$/.exec(h.slice(file.length));
    const line = Number(m?.[1]);
    const col = Number(m?.[2]);
    if (!m || line < 1 || line > lines.length) out.push(`bad position in ${JSON.stringify(h.slice(0, 200))}`);
    else if (col < 1 || col > lines[line - 1].length + 1) out.push(`column past the line in ${JSON.stringify(h.slice(0, 200))}`);
  }
  return out;
}

describe(`fuzzing tpx validate through the CLI (seed ${RUN_SEED}, ${CASES} cases)`, () => {
  it('exits 0, or 4 with FILE:LINE:COL inside the file and no stack trace', async () => {
    ensureBuilt();
    const corpus = loadSeedCorpus();
    const playbook = join(dir, 'one-task.yaml');
    writeFileSync(playbook, '- hosts: all\n  tasks:\n    - command: uptime\n');
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < CASES) {
        const c = makeCase(RUN_SEED, next++, corpus);
        const file = join(dir, `case-${c.index}.yaml`);
        const bytes = bytesOf(c);
        writeFileSync(file, bytes);
        const run = await runTpx(c.kind === 'playbook' ? ['validate', file] : ['validate', playbook, '-i', file]);
        const problems = checkRun(file, bytes, run);
        if (problems.length > 0) failures.push(`${describeCase(c)}\n  ${problems.join('\n  ')}`);
        rmSync(file, { force: true });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(failures.length, `${failures.length} failing cases:\n\n${failures.slice(0, 10).join('\n\n')}`).toBe(0);
  }, 900_000);
});
