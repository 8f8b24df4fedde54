import type { InputProblem } from '../errors/input-error.js';

/** Words people write for the three keys of a group, beyond what a typo distance catches. */
const NEAR_WORDS: Readonly<Record<string, string>> = {
  child: 'children',
  childs: 'children',
  childrens: 'children',
  group: 'children',
  groups: 'children',
  subgroups: 'children',
  host: 'hosts',
  hostnames: 'hosts',
  members: 'hosts',
  var: 'vars',
  variables: 'vars',
  group_vars: 'vars',
};

/**
 * Adds a did-you-mean to "unknown key … in group" problems that have none, for the words
 * above (`child:` → `children`), which are too far from the real key for a typo distance.
 */
export function addStructureKeyHint(problem: InputProblem): InputProblem {
  const m = /^unknown key "([^"]+)" in group$/.exec(problem.message);
  const near = m ? NEAR_WORDS[m[1].toLowerCase()] : undefined;
  return near ? { ...problem, message: `${problem.message}; did you mean "${near}"?` } : problem;
}
