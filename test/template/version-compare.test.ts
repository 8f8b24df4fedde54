import { describe, expect, it } from 'vitest';
import { compareVersions, isVersionOperator, testVersion } from '../../src/template/version-compare.js';

const sign = (n: number): number => Math.sign(n);

describe('compareVersions', () => {
  it.each([
    ['2.10.1', '2.9.3', 1],
    ['2.9.3', '2.10.1', -1],
    ['2.9.0', '2.9.0', 0],
    ['2.9', '2.9.0', 0],
    ['v2.9.1', '2.9.1', 0],
    ['2.9.0-rc1', '2.9.0', -1],
    ['2.9.0-rc1', '2.9.0-rc2', -1],
    ['2.9.0-rc2', '2.8.9', 1],
    ['2.9.0-alpha', '2.9.0-beta', -1],
    ['2.9.0-rc.10', '2.9.0-rc.9', 1],
    ['2.9.0+build5', '2.9.0', 0],
    ['10.0', '9.99', 1],
    ['1.0.0', '1', 0],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(sign(compareVersions(a, b))).toBe(expected);
  });
});

describe('testVersion operators', () => {
  it.each([
    ['<', '1.0', '2.0', true],
    ['lt', '2.0', '1.0', false],
    ['<=', '1.0', '1.0', true],
    ['le', '1.1', '1.0', false],
    ['>', '2.0', '1.0', true],
    ['gt', '1.0', '1.0', false],
    ['>=', '1.0', '1.0', true],
    ['ge', '0.9', '1.0', false],
    ['==', '1.0', '1.0.0', true],
    ['=', '1.0', '1.1', false],
    ['eq', '1.0', '1.0', true],
    ['!=', '1.0', '1.1', true],
    ['<>', '1.0', '1.0', false],
    ['ne', '1.0', '1.0', false],
  ] as const)('%s: %s vs %s → %s', (op, a, b, expected) => {
    expect(isVersionOperator(op)).toBe(true);
    expect(testVersion(a, b, op)).toBe(expected);
  });

  it('rejects an unknown operator and an empty version', () => {
    expect(isVersionOperator('about')).toBe(false);
    expect(() => testVersion('1', '2', 'about')).toThrow(/unknown operator/);
    expect(() => testVersion('', '2', '<')).toThrow(/is not a version/);
  });
});
