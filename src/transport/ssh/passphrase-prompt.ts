import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Asks for a secret on the terminal without echoing it; resolves to the typed line. */
export type SecretPrompt = (question: string) => Promise<string>;

let queue: Promise<unknown> = Promise.resolve();

/** Prompts on stdin/stderr with echo off; prompts from parallel connections are asked one at a time. */
export const promptSecretOnTty: SecretPrompt = (question) => promptLineOnTty(question, true);

/** Prompts on stdin/stderr, echoing the answer unless `secret`; one prompt at a time. */
export function promptLineOnTty(question: string, secret: boolean): Promise<string> {
  const asked = queue.then(() => askOnce(question, secret));
  queue = asked.catch(() => undefined);
  return asked;
}

function askOnce(question: string, secret: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) process.stderr.write(chunk);
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
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = secret;
  });
}

/** True when a person can be asked (stdin is a terminal). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}
