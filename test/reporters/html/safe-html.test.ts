import { describe, expect, test } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../../src/reporters/html/safe-html.js';

describe('escapeHtml', () => {
  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    ['say "hi"', 'say &quot;hi&quot;'],
    ["it's", 'it&#39;s'],
    ['&amp;', '&amp;amp;'],
    ['\u001b]52;c;cm0=\u0007\u001b[2J', '\\x1b]52;c;cm0=\\x07\\x1b[2J'],
    ['nul\u0000 cr\r del\u007f csi\u009b', 'nul\\x00 cr\\x0d del\\x7f csi\\x9b'],
    ['line 1\nline 2\ttab\r\n', 'line 1\nline 2\ttab\n'],
    ['2.8.3 → 2.10.1', '2.8.3 → 2.10.1'],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('html``', () => {
  test('escapes every value, keeps SafeHtml as it is, joins lists, drops null, undefined and false', () => {
    const evil = '"><img src=x onerror=alert(1)>';
    const inner = html`<b>${evil}</b>`;
    const out = html`<p title="${evil}">${inner}${[1, '<i>', html`<br>`]}${null}${undefined}${false}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.text).toBe('<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"><b>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</b>1&lt;i&gt;<br></p>');
  });
});
