import { describe, expect, it } from 'vitest';
import { unknownFacts } from '../../src/cli/unknown-facts.js';
import { loadInventoryText } from '../../src/inventory/load-inventory.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';

describe('unknown facts', () => {
  it('names a misspelt fact, with the fact it was meant to be', () => {
    const playbook = loadPlaybookText(
      `- hosts: all
  vars: { ansible_custom: 1 }
  tasks:
    - debug: { msg: "{{ ansible_os_famly }} {{ ansible_distribution }} {{ ansible_eth0.ipv4 }} {{ ansible_custom }}" }
      when: ansible_check_mode or ansible_host is defined
    - set_fact: ansible_mine=1
    - debug: { msg: "{{ ansible_mine }} {{ ansible_from_inventory }} {{ ansible_from_e }} {{ ansible_facts.os_family }}" }
`,
      '/tmp/site.yml',
    );
    const inventory = loadInventoryText('all:\n  hosts:\n    h1: { ansible_from_inventory: 1 }\n', 'inventory.yaml');
    expect(unknownFacts(playbook, inventory, { ansible_from_e: 1 })).toEqual([
      '"ansible_os_famly" is not a fact tpx gathers, nor a variable the playbook or inventory defines; did you mean "ansible_os_family"?',
    ]);
  });
});
