import { describe, expect, it } from 'vitest';
import type { InputError } from '../../src/errors/input-error.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import type { Task } from '../../src/playbook/types.js';

const firstTask = (yaml: string): Task => loadPlaybookText(yaml, 'play.yaml').plays[0].tasks[0] as Task;
const play = (task: string): string => `- hosts: all\n  tasks:\n    - ${task}\n`;

describe('key=value arguments for modules without a free form', () => {
  it('mean the same task as the mapping form, values typed as the parameters are', () => {
    const kv = firstTask(play('file: path=/srv/app state=directory mode=0755 force=yes'));
    const mapping = firstTask(play('file: {path: /srv/app, state: directory, mode: "0755", force: true}'));
    expect(kv.args).toEqual(mapping.args);
    expect(kv.args).toEqual({ path: '/srv/app', state: 'directory', mode: '0755', force: true });
  });

  it('keep quoted values with spaces and templates whole', () => {
    expect(firstTask(play('copy: content="a b {{ x | default(\'p q\') }}\\n" dest=/tmp/f')).args).toEqual({
      content: "a b {{ x | default('p q') }}\n",
      dest: '/tmp/f',
    });
  });

  it('still refuse a wrong value, pointing at the string', () => {
    try {
      loadPlaybookText(play('file: path=/x state=bogus'), 'play.yaml');
      expect.unreachable();
    } catch (error) {
      const [p] = (error as InputError).problems;
      expect(p.message).toBe('"state" must be one of "file", "directory", "link", "absent", "touch", got "bogus"');
      expect([p.line, p.col]).toEqual([3, 13]);
    }
  });

  it('leave a string that is not all key=value to the schema', () => {
    expect(() => loadPlaybookText(play('debug: hello there'), 'play.yaml')).toThrow(/"debug" must be a mapping with msg or var, got "hello there"/);
  });

  it('work inside blocks and handlers too', () => {
    const pb = loadPlaybookText(
      '- hosts: all\n  tasks:\n    - block:\n        - debug: msg=inner\n          notify: h\n  handlers:\n    - name: h\n      debug: msg=handled\n',
      'play.yaml',
    );
    const block = pb.plays[0].tasks[0];
    expect(block.kind === 'block' && (block.block[0] as Task).args).toEqual({ msg: 'inner' });
    expect(pb.plays[0].handlers[0].args).toEqual({ msg: 'handled' });
  });
});

describe('with_* loops in a playbook', () => {
  it('load as a loop of their kind, and two loops in one task are refused', () => {
    const task = firstTask(play('debug: msg={{ item.key }}\n      with_dict: "{{ users }}"'));
    expect([task.loop, task.loopKind]).toEqual(['{{ users }}', 'dict']);
    expect(() => loadPlaybookText(play('debug: msg=x\n      loop: [1]\n      with_items: [2]'), 'play.yaml')).toThrow(
      /play\.yaml:5:7: two loops in one task: "loop" and "with_items"; keep one/,
    );
    expect(() => loadPlaybookText(play('debug: msg=x\n      with_sequence: start=1 end=3'), 'play.yaml')).toThrow(
      /"with_sequence" is not supported; use "loop"/,
    );
  });
});
