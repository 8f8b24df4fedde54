import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChannelHost } from '../../src/transport/ssh/open-channel.js';
import { runRemoteCommand } from '../../src/transport/ssh/exec-channel.js';

/**
 * Secrecy by construction (issue 16): what tpx hands the SSH server to run — the command
 * line sshd turns into argv — never holds the become password;
 * the password goes on the channel's stdin only, after sudo's own prompt. A stand-in for the
 * SSH channel (the real one is exercised by test/e2e/security-secrets.test.ts) records both.
 */
function fakeHost(password: string | undefined): { host: ChannelHost; sent: string[]; stdin: string[] } {
  const sent: string[] = [];
  const stdin: string[] = [];
  const token = 'TOKEN';
  const client = {
    exec(command: string, cb: (err: Error | undefined, channel: unknown) => void) {
      sent.push(command);
      const stream = Object.assign(new EventEmitter(), {
        stderr: Object.assign(new EventEmitter(), { setEncoding: () => undefined }),
        setEncoding: () => undefined,
        write: (data: string) => {
          stdin.push(data);
          // sudo accepted the password: the command starts.
          if (password !== undefined && data === `${password}\n`) setImmediate(() => stream.emit('data', `${token}go\nran\n`));
          return true;
        },
        end: () => undefined,
        close: () => undefined,
        destroy: () => undefined,
      });
      cb(undefined, stream);
      setImmediate(() => {
        stream.emit('data', `${token}4242\n`);
        const prompt = /-p '?(\[tpx-sudo-[0-9a-f]+\])/.exec(command)?.[1];
        if (prompt) stream.stderr.emit('data', prompt);
        else stream.emit('data', `${token}go\nran\n`);
        setTimeout(() => {
          stream.emit('exit', 0);
          stream.emit('close', 0);
        }, 20);
      });
    },
  };
  const host = {
    client,
    limiter: { acquire: async () => () => undefined },
    name: 'h1',
    token,
    becomePassword: password,
    isClosed: () => false,
  } as unknown as ChannelHost;
  return { host, sent, stdin };
}

describe('what the SSH server is asked to run', () => {
  it('never holds the become password: sudo reads it on stdin after its prompt', async () => {
    const { host, sent, stdin } = fakeHost('Become-S3cret');
    const res = await runRemoteCommand(host, 'id -u', { become: true, becomeUser: 'root' });
    expect(res.stdout).toBe('ran\n');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('sudo -S -p');
    expect(sent[0]).not.toContain('Become-S3cret');
    expect(stdin).toContain('Become-S3cret\n');
  });

  it("keeps the environment's values off the command line: they go on stdin, after sudo's password", async () => {
    const { host, sent, stdin } = fakeHost(undefined);
    await runRemoteCommand(host, 'true', { environment: { API_TOKEN: 'Env-S3cret-v' } });
    expect(sent[0]).not.toContain('Env-S3cret-v');
    expect(stdin.join('')).toMatch(/^export API_TOKEN='?Env-S3cret-v'?\ntpx-env-[0-9a-f]{24}\n$/);
    const become = fakeHost('Become-S3cret');
    await runRemoteCommand(become.host, 'true', { become: true, environment: { API_TOKEN: 'Env-S3cret-v' }, stdin: 'own input' });
    expect(become.sent[0]).not.toContain('Env-S3cret-v');
    // The password first (sudo reads it), then the environment, then the command's own input.
    expect(become.stdin.join('')).toMatch(/^Become-S3cret\nexport API_TOKEN='?Env-S3cret-v'?\ntpx-env-[0-9a-f]{24}\nown input$/);
  });
});
