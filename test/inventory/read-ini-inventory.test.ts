import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors/input-error.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, loadInventoryText } from '../../src/inventory/load-inventory.js';

const ini = (text: string) => loadInventoryText(text, 'hosts.ini');

function problems(text: string): InputProblem[] {
  try {
    ini(text);
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the inventory to be refused');
}

describe('INI inventories', () => {
  it('puts hosts before any section in ungrouped, and ranges, ports and vars on host lines', () => {
    const inv = ini('lone\n[web]\nweb[1:2]:2222 a=1 b="x y" c=\'[1]\' # comment\n');
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['lone']);
    expect(inv.groups.get('web')!.hosts).toEqual(['web1', 'web2']);
    expect(inv.hosts.get('web2')!.vars).toEqual({ ansible_port: 2222, a: 1, b: 'x y', c: [1] });
  });

  it('adds a child named before its section once the section appears, at any depth', () => {
    const inv = ini('[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh1\n[mid:vars]\nv = 2\n');
    expect(inv.groups.get('top')!.children).toEqual(['mid']);
    expect(inv.groups.get('mid')!.children).toEqual(['leaf']);
    expect(inv.hosts.get('h1')!.groupNames).toEqual(['leaf', 'mid', 'top']);
    expect(inv.hosts.get('h1')!.vars).toEqual({ v: 2 });
  });

  it('reads [g:vars] lines as key = value, split at the first "=", values as Python literals', () => {
    const inv = ini("[g]\nh\n[g:vars]\nurl = http://x/?a=b\nn = 5 # five\ns = '5'\nb = True\n");
    expect(inv.hosts.get('h')!.vars).toEqual({ url: 'http://x/?a=b', n: 5, s: '5', b: true });
  });

  it.each([
    ['[g:vars]\nx=1\n', 1, 1, 'section [g:vars] is for group "g", which no section defines; add a [g] or [g:children] section'],
    ['[p:children]\n  nope\n', 2, 3, 'section [p:children] names group "nope", which no section defines; add a [nope] section'],
    ['[g:weird]\n', 1, 4, 'section [g:weird] has an unknown type "weird"; use [g], [g:vars] or [g:children]'],
    ['[bad group]\n', 1, 1, /^invalid section header \[bad group\]/],
    ['[g]\nh1 novalue\n', 2, 4, 'expected key=value after the host name, got "novalue"'],
    ['[g]\nh1:\n', 2, 1, 'host "h1:" ends in ":", which introduces a port; give the port (h1:22) or remove the ":"'],
    ['[g]\nh1 a="open\n', 2, 1, 'cannot read this host line: no closing quotation (")'],
    ['[g]\nweb[x:1]\n', 2, 1, 'host range in "web[x:1]" must use numbers or single letters'],
    ['[g]\nh1 ansible_port=abc\n', 2, 4, 'ansible_port: must be a port number from 1 to 65535, got "abc" (a connection setting)'],
    ['[g]\nh1\n[g:vars]\nansible_become = maybe\n', 4, 1, /^ansible_become: must be true or false/],
    ['[g:vars]\nnovalue\n[g]\n', 2, 1, 'expected key = value in [g:vars], got "novalue"'],
    ['[p:children]\nbad name\n[p]\n', 2, 1, 'expected a group name in [p:children], got "bad name"'],
  ])('refuses %j at %i:%i', (text, line, col, message) => {
    const [p, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect({ file: p.file, line: p.line, col: p.col }).toEqual({ file: 'hosts.ini', line, col });
    if (typeof message === 'string') expect(p.message).toBe(message);
    else expect(p.message).toMatch(message);
    expect(p.sourceLine).toBe(text.split('\n')[line - 1]);
  });

  it('reports every problem of a file, not only the first', () => {
    expect(problems('[g]\nh1 x\nh2 y\n[g:bad]\n').map((p) => p.line)).toEqual([2, 3, 4]);
  });

  it('reads a file without an extension as YAML when it is a YAML mapping, INI otherwise', () => {
    expect([...loadInventoryText('all:\n  hosts:\n    y1:\n', 'hosts').hosts.keys()]).toEqual(['y1']);
    expect([...loadInventoryText('# c\nh1\nh2 a=1\n', 'hosts').hosts.keys()]).toEqual(['h1', 'h2']);
    expect([...loadInventoryText('[web]\nw1\n', 'hosts').hosts.keys()]).toEqual(['w1']);
  });

  it('gives a YAML file written as INI a hint, and a broken YAML file without extension its YAML error', () => {
    expect(() => loadInventoryText('[web]\nw1 a=1\n', 'hosts.yaml')).toThrow(/looks like an INI inventory/);
    expect(() => loadInventoryText('all:\n  hosts:\n\t  x:\n', 'hosts')).toThrow(/tabs are not allowed/);
  });

  it('gives the same hint for such a file read from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-ini-'));
    try {
      writeFileSync(join(dir, 'hosts.yml'), '[web]\nw1 a=1\n');
      expect(() => loadInventory([join(dir, 'hosts.yml')])).toThrow(/looks like an INI inventory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
