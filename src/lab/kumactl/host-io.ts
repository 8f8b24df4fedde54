import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { runProcess, type ProcessResult } from '../run-process.js';

/** What the stand-in touches on its host; one implementation runs locally, tests may fake it. */
export interface HostIo {
  out(text: string): void;
  err(text: string): void;
  run(file: string, args: readonly string[], input?: string): Promise<ProcessResult>;
  readFile(path: string): Promise<string | null>;
  writeFile(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
  exists(path: string): boolean;
  isRoot(): boolean;
  sleep(ms: number): Promise<void>;
  readonly env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
}

/** The host the stand-in runs on. */
export function localHostIo(): HostIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    run: (file, args, input) => runProcess(file, args, { input, timeoutMs: 60_000 }),
    readFile: (p) => readFile(p, 'utf8').catch(() => null),
    writeFile: (p, t) => writeFile(p, t, { mode: 0o600 }),
    remove: (p) => rm(p, { force: true }),
    exists: (p) => existsSync(p),
    isRoot: () => process.getuid?.() === 0,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    env: process.env,
    readStdin: async () => {
      let text = '';
      for await (const chunk of process.stdin) text += chunk;
      return text;
    },
  };
}
