import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors/input-error.js';
import { UsageError } from '../../src/errors/tpx-error.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

const BAD = 'test/fixtures/inventories/bad';

/** Every bad inventory: the problems it must produce, in order (line, column, message). */
const cases: [file: string, problems: [line: number, col: number, message: string | RegExp][]][] = [
  ['unknown-key.yaml', [[7, 7, 'unknown key "child" in group; did you mean "children"?']]],
  ['port-type.yaml', [[5, 13, '"port" must be an integer between 1 and 65535, got "twenty-two"']]],
  ['port-range.yaml', [[5, 59, '"ansible_port" must be an integer between 1 and 65535, got 70000']]],
  ['host-key-checking.yaml', [[4, 24, '"host_key_checking" must be "strict", "accept-new" or "off", got "acept-new"; did you mean "accept-new"?']]],
  ['hosts-list.yaml', [[5, 9, /^"hosts" must be a mapping of host names to their variables .*, got a list$/]]],
  ['children-cycle.yaml', [[5, 9, 'adding group "rack_a" as a child of "fleet" creates a cycle: fleet → rack_a → fleet']]],
  ['self-child.yaml', [[3, 5, 'group "fleet" cannot be a child of itself']]],
  ['all-as-child.yaml', [[3, 5, 'group "all" cannot be a child of another group']]],
  ['duplicate-key.yaml', [[5, 7, 'duplicate key "host" (first set on line 4); a key may appear only once in a mapping']]],
  ['tab-indent.yaml', [[3, 1, 'tabs are not allowed for indentation; use spaces']]],
  ['empty.yaml', [[1, 1, /^file is empty; expected an inventory/]]],
  ['connect-timeout.yaml', [[3, 22, '"connect_timeout" must be a number > 0, got 0']]],
  ['become-word.yaml', [[4, 23, '"ansible_become" must be true or false (yes/no), got "maybe"']]],
  ['group-as-list.yaml', [[3, 13, /^"canary" must be a mapping with "hosts", "children" and "vars" \(or nothing\), got a list$/]]],
  ['host-vars-scalar.yaml', [[3, 14, '"mesh-01" must be a mapping of variable names to values, got "10.0.0.11"']]],
  ['vars-list.yaml', [[3, 5, '"vars" must be a mapping of variable names to values, got a list']]],
  ['bad-range.yaml', [[3, 5, 'host range in "mesh-[01:9]" must give begin and end with the same number of digits']]],
  ['root-list.yaml', [[1, 1, 'the inventory must be a mapping, got a list']]],
  ['proxy-jump-number.yaml', [[4, 19, /^"proxy_jump" must be "user@host:port", a comma-separated chain of them, or a list, got 22$/]]],
  ['plugin.yaml', [[1, 1, /^this is an Ansible inventory plugin configuration \("plugin: aws_ec2"\), which tpx does not run/]]],
  ['yaml-syntax.yaml', [[4, 1, /^unclosed flow mapping "\{"/]]],
  // Found by the fuzzer (test/fuzz): a crash (stack overflow), a parser recursion, a quadratic duplicate check.
  ['fuzz-recursive-alias.yaml', [[10, 24, 'recursive alias *h: it is inside the node &h names, which would make an endless document']]],
  ['fuzz-deep-nesting.yaml', [[3, 793, 'refused: lists and mappings nested more than 200 levels deep']]],
  ['fuzz-duplicate-host.yaml', [[5, 5, 'duplicate key "h1" (first set on line 3); a key may appear only once in a mapping']]],
  [
    'several-errors.yaml',
    [
      [3, 11, '"port" must be an integer between 1 and 65535, got 0'],
      [6, 7, 'unknown key "host" in group; did you mean "hosts"?'],
      [10, 28, '"become" must be true or false (yes/no), got "perhaps"'],
    ],
  ],
];

function problemsOf(files: string[]): readonly InputProblem[] {
  try {
    loadInventory(files);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error(`expected ${files.join(', ')} to be refused`);
}

describe('loadInventory refuses bad inventories with file:line:col', () => {
  it.each(cases)('%s', (file, expected) => {
    const problems = problemsOf([`${BAD}/${file}`]);
    expect(problems.map((p) => [p.line, p.col])).toEqual(expected.map(([line, col]) => [line, col]));
    problems.forEach((p, i) => {
      expect(p.file).toBe(`${BAD}/${file}`);
      const message = expected[i][2];
      if (typeof message === 'string') expect(p.message).toBe(message);
      else expect(p.message).toMatch(message);
    });
  });

  it('shows the offending line with every schema and structure problem', () => {
    const [p] = problemsOf([`${BAD}/port-range.yaml`]);
    expect(p.sourceLine).toBe('        mesh-02: { ansible_host: 10.0.0.12, ansible_port: 70000 }');
  });

  it('reports the problems of every file at once, in file order', () => {
    const problems = problemsOf([`${BAD}/port-type.yaml`, 'test/fixtures/inventories/ansible/nested.yaml', `${BAD}/self-child.yaml`]);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}`)).toEqual([`${BAD}/port-type.yaml:5:13`, `${BAD}/self-child.yaml:3:5`]);
  });

  it('refuses a source that does not exist as a bad option (exit 5), naming it', () => {
    expect(() => loadInventory([`${BAD}/no-such-file.yaml`])).toThrow(new UsageError(`inventory not found: ${BAD}/no-such-file.yaml`));
  });

  it('has at least the 8 bad inventories the issue asks for, each a real file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });
});

describe('loadInventory refuses empty names', () => {
  it.each([
    ['all:\n  hosts:\n    ~:\n', 3, 5, 'a host name cannot be empty'],
    ['all:\n  children:\n    "":\n', 3, 5, 'a group name cannot be empty'],
    ['"":\n  hosts: {h: }\n', 1, 1, 'a group name cannot be empty'],
  ])('%j', (text, line, col, message) => {
    expect(() => inventoryFromYaml(text)).toThrow(InputError);
    try {
      inventoryFromYaml(text);
    } catch (error) {
      expect((error as InputError).problems.map((p) => [p.line, p.col, p.message])).toEqual([[line, col, message]]);
    }
  });
});
