import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Asks for a secret on the terminal without echoing it; resolves to the typed line. */
export type SecretPrompt = (question: string) => Promise<string>;

let queue: Promise<unknown> = Promise.resolve();

/** Prompts on stdin/stderr with echo off; prompts from parallel connections are asked one at a time. */
export const promptSecretOnTty: SecretPrompt = (question) => promptLineOnTty(question, true);

/** Where a prompt writes: stderr, unless a live view lends its own way to the terminal. */
export type PromptWrite = (text: string) => void;

const toStderr: PromptWrite = (text) => process.stderr.write(text);

/** Prompts on stdin/stderr (or `write`), echoing the answer unless `secret`; one prompt at a time. */
export function promptLineOnTty(question: string, secret: boolean, write: PromptWrite = toStderr): Promise<string> {
  const asked = queue.then(() => askOnce(question, secret, write));
  queue = asked.catch(() => undefined);
  return asked;
}

function askOnce(question: string, secret: boolean, write: PromptWrite): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) write(String(chunk));
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('interrupted'));
    });
    rl.question(question, (answer) => {
      rl.close();
      write('\n');
      resolve(answer);
    });
    muted = secret;
  });
}

/** True when a person can be asked (stdin is a terminal). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}
