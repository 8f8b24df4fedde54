import { describe, expect, test } from 'vitest';
import { emptyStats } from '../../src/engine/results.js';
import { createPaint, shouldUseColor } from '../../src/reporters/color.js';
import { formatRecap } from '../../src/reporters/recap.js';

const rows = [
  { host: 'mesh-01', status: 'changed' as const, stats: { ...emptyStats(), ok: 12, changed: 3 } },
  { host: 'edge-gateway-long', status: 'failed' as const, stats: { ...emptyStats(), ok: 2, failed: 1, skipped: 10 } },
  { host: 'mesh-09', status: 'not-reached' as const, stats: emptyStats() },
];

describe('recap table', () => {
  test('columns align like PLAY RECAP, hosts never reached are named', () => {
    expect(formatRecap(rows, createPaint(false))).toBe(
      [
        'PLAY RECAP',
        'mesh-01           : ok=12   changed=3   failed=0   skipped=0    unreachable=0   rescued=0   ignored=0',
        'edge-gateway-long : ok=2    changed=0   failed=1   skipped=10   unreachable=0   rescued=0   ignored=0',
        'mesh-09           : ok=0    changed=0   failed=0   skipped=0    unreachable=0   rescued=0   ignored=0',
        'not reached (1): mesh-09',
        '',
      ].join('\n'),
    );
  });

  test('colour: host by status, non-zero counters, and the same layout once colours are removed', () => {
    const text = formatRecap(rows, createPaint(true));
    expect(text).toContain('\u001b[31medge-gateway-long\u001b[39m');
    expect(text).toContain('\u001b[33mchanged=3\u001b[39m');
    expect(text).toContain('\u001b[31mfailed=1\u001b[39m');
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(formatRecap(rows, createPaint(false)));
  });

  test('colour only on a terminal, never with NO_COLOR', () => {
    expect(shouldUseColor({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ write: () => true, isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});
