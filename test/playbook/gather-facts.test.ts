import { describe, expect, it } from 'vitest';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { GATHER_FACTS_TASK, isFactVariable } from '../../src/playbook/gather-facts.js';
import type { Task } from '../../src/playbook/types.js';

const firstPre = (yaml: string): string | undefined => {
  const play = loadPlaybookText(yaml, '/tmp/site.yml').plays[0];
  return (play.preTasks[0] as Task | undefined)?.name;
};

describe('fact gathering', () => {
  it('gathers when asked, first of all, tagged always', () => {
    const play = loadPlaybookText('- hosts: all\n  gather_facts: true\n  pre_tasks: [{name: pre, debug: {msg: a}}]\n', '/tmp/site.yml').plays[0];
    expect(play.preTasks.map((t) => (t as Task).name)).toEqual([GATHER_FACTS_TASK, 'pre']);
    expect(play.preTasks[0]).toMatchObject({ module: 'setup', tags: ['always'] });
  });

  it('not written: gathers only when the play reads a fact', () => {
    expect(firstPre('- hosts: all\n  tasks: [{debug: {msg: "{{ inventory_hostname }}"}}]\n')).toBeUndefined();
    expect(firstPre('- hosts: all\n  tasks: [{debug: {msg: hi}, when: ansible_os_family == "Debian"}]\n')).toBe(GATHER_FACTS_TASK);
    expect(firstPre('- hosts: all\n  tasks: [{debug: {msg: "{{ ansible_facts.distribution }}"}}]\n')).toBe(GATHER_FACTS_TASK);
    expect(firstPre('- hosts: all\n  gather_facts: false\n  tasks: [{debug: {msg: "{{ ansible_facts.distribution }}"}}]\n')).toBeUndefined();
  });

  it('tells facts from the other ansible_ variables', () => {
    expect(['ansible_facts', 'ansible_os_family', 'ansible_eth0', 'ansible_default_ipv4'].every(isFactVariable)).toBe(true);
    expect(['ansible_check_mode', 'ansible_play_hosts', 'ansible_loop', 'ansible_user', 'os_family'].some(isFactVariable)).toBe(false);
  });
});
