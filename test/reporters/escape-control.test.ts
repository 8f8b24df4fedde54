import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { escapeControl, escapeControlDeep } from '../../src/reporters/escape-control.js';
import { runEvents } from './run-events.js';
import { result } from './scenarios.js';
import { replayTerminal } from './virtual-terminal.js';

/** What a hostile host prints: an OSC 52 clipboard write, a window title, clear screen, a C1 CSI, a lone CR. */
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const HOSTILE = `ok${OSC52} \u001b]0;pwned\u0007\u001b[2J\u009b31m\rfake line`;
const SHOWN = 'ok\\x1b]52;c;cm0gLXJmIH4=\\x07 \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x0dfake line';

/** Any control character a terminal would act on (tpx's own colours are off in these runs). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function hostileRun(): EngineEvent[] {
  return [
    { type: 'run-start', playbook: 'p.yaml', hosts: ['mesh-01', 'mesh-02'], check: false, time: '2026-01-01T10:00:00.000Z' },
    { type: 'play-start', play: 'p', hosts: ['mesh-01', 'mesh-02'] },
    { type: 'task-start', play: 'p', task: 'hostile', host: 'mesh-01' },
    { type: 'task-output', host: 'mesh-01', task: 'hostile', stream: 'stdout', chunk: `${HOSTILE}\n` },
    { type: 'task-end', result: result('mesh-01', 'hostile', 'failed', { rc: 1, msg: `non-zero: ${HOSTILE}`, stderr: `line 1\n${HOSTILE}\n` }) },
    { type: 'warning', host: 'mesh-01', msg: `locked by run ${HOSTILE}` },
    { type: 'host-unreachable', host: 'mesh-02', kind: 'protocol', msg: `banner ${HOSTILE}` },
    { type: 'run-end', time: '2026-01-01T10:00:01.000Z', stats: {}, interrupted: false, halted: null, notReached: [], stoppedEarly: [] },
  ];
}

describe('escapeControl', () => {
  it.each([
    ['ESC, BEL, OSC 52', OSC52, '\\x1b]52;c;cm0gLXJmIH4=\\x07'],
    ['a lone carriage return', 'progress 10%\rprogress 20%', 'progress 10%\\x0dprogress 20%'],
    ['C1 controls and DEL', '\u009b2J\u009d0;t\u007f', '\\x9b2J\\x9d0;t\\x7f'],
    ['NUL, backspace, vertical tab, form feed', 'a\u0000b\u0008c\u000bd\u000c', 'a\\x00b\\x08c\\x0bd\\x0c'],
    ['newlines and tabs, kept', 'a\tb\nc\n', 'a\tb\nc\n'],
    ['CRLF, a line end', 'a\r\nb\r\n', 'a\nb\n'],
    ['printable text, untouched (accents, emoji, a backslash)', 'café 😀 C:\\x1b', 'café 😀 C:\\x1b'],
  ])('%s', (_name, input, shown) => expect(escapeControl(input)).toBe(shown));

  it('is idempotent: escaping twice changes nothing more', () => expect(escapeControl(escapeControl(HOSTILE))).toBe(SHOWN));

  it('escapes every string of an event and leaves the event itself alone', () => {
    const event = { type: 'task-end', result: { stdout: HOSTILE, rc: 1, results: [{ msg: OSC52 }] } };
    expect(escapeControlDeep(event)).toEqual({ type: 'task-end', result: { stdout: SHOWN, rc: 1, results: [{ msg: '\\x1b]52;c;cm0gLXJmIH4=\\x07' }] } });
    expect(event.result.stdout).toBe(HOSTILE);
  });
});

describe('host text on the terminal outputs', () => {
  it('plain (-v): output lines, failure message and tail, warnings and unreachable messages are shown escaped', async () => {
    const { out } = await runEvents(hostileRun(), { output: 'plain', verbose: 1 });
    const text = out.text();
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain(`[mesh-01] hostile: stdout| ${SHOWN}\n`);
    expect(text).toContain(`    msg: non-zero: ${SHOWN}\n`);
    expect(text).toContain(`    stderr:\n      line 1\n      ${SHOWN}\n`);
    expect(text).toContain(`WARNING [mesh-01] locked by run ${SHOWN}\n`);
    expect(text).toContain(`[mesh-02] unreachable (protocol): banner ${SHOWN}\n`);
  });

  it('tty: rows and the failures under them show the sequences escaped; only listr2 drives the terminal', async () => {
    const { out } = await runEvents(hostileRun(), { output: 'tty', verbose: 1, tty: true, env: { NO_COLOR: '1' } });
    const text = out.text();
    expect(text).not.toContain(OSC52);
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u009b');
    expect(text).not.toContain('\u001b]');
    const screen = replayTerminal(text);
    expect(screen).toContain(`    msg: non-zero: ${SHOWN}`);
    expect(screen).toContain(`      ${SHOWN}`);
    expect(screen).toContain(`[mesh-01] locked by run ${SHOWN}`);
    expect(screen.some((l) => l.includes(`unreachable (protocol): banner ${SHOWN}`))).toBe(true);
  });

  it('json keeps the text as it was, JSON-escaped once', async () => {
    const { out } = await runEvents(hostileRun(), { output: 'json' });
    const end = out
      .text()
      .split('\n')
      .find((l) => l.includes('"task-end"'))!;
    expect(end).toContain('"non-zero: ok\\u001b]52;c;cm0gLXJmIH4=\\u0007');
    expect(JSON.parse(end).msg).toBe(`non-zero: ${HOSTILE}`);
  });
});
