import { isKnownFactName } from '../facts/parse-facts.js';
import { referencedNames } from '../template/referenced-names.js';
import type { Play, Task } from './types.js';

/** The name Ansible gives its implicit fact-gathering task. */
export const GATHER_FACTS_TASK = 'Gathering Facts';

/**
 * A play with fact gathering put first, as Ansible does before `pre_tasks`, when
 * `gather_facts` is true — or, going further than Ansible (which gathers unless told not to),
 * when `gather_facts` is not written and the play reads a fact (`ansible_facts`,
 * `ansible_os_family`, …), so plays that need none pay nothing. Tagged `always`, as Ansible's.
 */
export function withFactGathering(play: Play, gatherFacts: boolean | undefined): Play {
  if (gatherFacts === false || (gatherFacts === undefined && !readsFacts(play))) return play;
  const task: Task = {
    kind: 'task',
    name: GATHER_FACTS_TASK,
    module: 'setup',
    args: {},
    when: [],
    tags: ['always'],
    vars: {},
    pos: play.pos,
    modulePos: play.pos,
    loopVar: 'item',
    notify: [],
    listen: [],
  };
  return { ...play, preTasks: [task, ...play.preTasks] };
}

/** Whether anything in the play names a fact. */
export function readsFacts(play: Play): boolean {
  for (const name of referencedNames(play)) if (isFactVariable(name)) return true;
  return false;
}

/** `ansible_facts`, or `ansible_NAME` for a fact tpx gathers (interface names included). */
export function isFactVariable(name: string): boolean {
  return name === 'ansible_facts' || (name.startsWith('ansible_') && isKnownFactName(name.slice('ansible_'.length)));
}
