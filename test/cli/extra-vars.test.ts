import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../src/cli/extra-vars.js';
import { UsageError } from '../../src/errors/tpx-error.js';

describe('parseExtraVars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-ev-'));
  writeFileSync(join(dir, 'vars.yaml'), 'kuma_version: 2.10.1\nserial: [1, "50%"]\n');
  writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');

  it.each([
    [['kuma_version=2.10.1'], { kuma_version: '2.10.1' }],
    [['a=1 b=two'], { a: 1, b: 'two' }],
    [['msg="two words" x=\'y z\''], { msg: 'two words', x: 'y z' }],
    [['flag=true n=null'], { flag: true, n: null }],
    [['serial=[1,"25%"]'], { serial: [1, '25%'] }],
    [['{"a": {"b": 1}}'], { a: { b: 1 } }],
    [['a=1', 'a=2'], { a: 2 }],
    [['url=http://x/?a=b'], { url: 'http://x/?a=b' }],
    [[`@${join(dir, 'vars.yaml')}`], { kuma_version: '2.10.1', serial: [1, '50%'] }],
  ])('%j → %j', (input, expected) => {
    expect(parseExtraVars(input)).toEqual(expected);
  });

  it.each([
    ['novalue', /expected KEY=VALUE/],
    ['1abc=2', /not a valid variable name/],
    ['{"a": ', /not a valid JSON object/],
    ['a="open', /unclosed quote/],
    [`@${join(dir, 'missing.yaml')}`, /cannot read the file \(ENOENT\)/],
    [`@${join(dir, 'list.yaml')}`, /expected a mapping/],
  ])('rejects %s', (input, message) => {
    expect(() => parseExtraVars([input])).toThrow(UsageError);
    expect(() => parseExtraVars([input])).toThrow(message);
  });
});
