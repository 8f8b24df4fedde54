import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize } from '../../src/transport/byte-size.js';

describe('parseByteSize', () => {
  it.each([
    [1048576, 1048576],
    ['4096', 4096],
    ['512k', 512 * 1024],
    ['512 KiB', 512 * 1024],
    ['16M', 16 * 1024 ** 2],
    ['16mb', 16 * 1024 ** 2],
    ['1.5MiB', 1.5 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['100 bytes', 100],
  ])('%j is %d bytes', (input, expected) => expect(parseByteSize(input)).toBe(expected));

  it.each([['lots'], ['-5'], ['5 TB'], [1.5], [-1], [true], [null], [{}], ['']])('%j is not a size', (input) => expect(parseByteSize(input)).toBeUndefined());
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1024, '1.0 KiB'],
    [1024 ** 2, '1.0 MiB'],
    [99 * 1000 * 1000, '94.4 MiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
  ])('%d is %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
