import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../../src/errors/suggest.js';

const TASK_KEYS = ['name', 'when', 'register', 'retries', 'delay', 'until', 'notify', 'loop', 'tags', 'become', 'become_user'];

describe('suggest', () => {
  it.each([
    ['whn', 'when'],
    ['wehn', 'when'],
    ['regsiter', 'register'],
    ['retires', 'retries'],
    ['notfy', 'notify'],
    ['becom', 'become'],
    ['become_usr', 'become_user'],
    ['Name', 'name'],
  ])('%s → %s', (word, expected) => {
    expect(suggest(word, TASK_KEYS)).toBe(expected);
  });

  it.each(['xyz', 'hosts', 'a', 'completely_different'])('no suggestion for %s', (word) => {
    expect(suggest(word, TASK_KEYS)).toBeUndefined();
  });

  it('formats the hint', () => {
    expect(didYouMean('shel', ['shell', 'command'])).toBe('; did you mean "shell"?');
    expect(didYouMean('zzz', ['shell'])).toBe('');
  });

  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('wehn', 'when')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
