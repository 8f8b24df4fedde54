/**
 * `pause` with a prompt on a real terminal (a pty from script(1)): the question is shown with
 * the live view held still, the answer typed reaches `user_input`, and the view is drawn again.
 * The playbook runs on the controller (`ansible_connection: local`): no lab needed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayTerminal } from '../reporters/virtual-terminal.js';

const REPO = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tpx-pause-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pause on a terminal', () => {
  it('asks with the view held, takes the answer, draws the view again', { timeout: 60_000 }, async () => {
    writeFileSync(join(dir, 'inv.yaml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    writeFileSync(
      join(dir, 'pb.yaml'),
      // A first task long enough for the live view to be drawn before the question.
      '- hosts: localhost\n  tasks:\n    - command: sleep 0.8\n    - name: wait for the canary\n      pause:\n        prompt: Check the canary\n      register: answer\n    - debug:\n        msg: "answer={{ answer.user_input }}"\n',
    );
    const command = `stty rows 30 cols 120; exec ${process.execPath} bin/tpx.js run ${join(dir, 'pb.yaml')} -i ${join(dir, 'inv.yaml')}`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, TERM: 'xterm', NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state') },
    });
    let text = '';
    let typed = false;
    const answered = new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        // Typed once the question is on the screen.
        if (text.includes('Check the canary:') && !typed) {
          typed = true;
          child.stdin.write('go ahead\r');
          resolve();
        }
      });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end();
    clearTimeout(timer);
    await answered;
    expect(code, text).toBe(0);
    expect(text).toContain('[wait for the canary]\r\nCheck the canary:');
    const screen = replayTerminal(text);
    expect(
      screen.find((l) => l.includes(' localhost  ')),
      screen.join('\n'),
    ).toMatch(/^✔ localhost {2}changed .*· answer=go ahead$/);
    // The view was on the screen before the question, and again after it.
    expect(text.indexOf('localhost  command')).toBeGreaterThan(-1);
    expect(text.indexOf('localhost  command')).toBeLessThan(text.indexOf('Check the canary:'));
  });
});
