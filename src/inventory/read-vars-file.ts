import { InputError, type InputProblem } from '../errors/input-error.js';
import { loadYamlFile } from '../schema/load-yaml.js';
import { connectionVarProblem } from './connection-vars.js';

type Vars = Readonly<Record<string, unknown>>;
const EMPTY: Vars = Object.freeze({});

/** Reads one vars file: a mapping of variable names, or nothing (empty file, only comments). */
export function readVarsFile(file: string): Vars {
  // An empty vars file is fine in Ansible: it sets nothing.
  const source = loadYamlFile(file, { allowEmpty: true });
  const value = source.value;
  if (typeof value === 'string' && value.startsWith('$ANSIBLE_VAULT;')) {
    throw new InputError([
      { file, line: 1, col: 1, message: 'this vars file is encrypted with Ansible Vault, which tpx does not support yet', sourceLine: source.lineText(1) },
    ]);
  }
  if (value === null || value === undefined) return EMPTY;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError([
      { file, line: 1, col: 1, message: 'a vars file holds a mapping of variable names to values (key: value lines)', sourceLine: source.lineText(1) },
    ]);
  }
  const problems: InputProblem[] = [];
  for (const [name, v] of Object.entries(value)) {
    const message = connectionVarProblem(name, v);
    if (!message) continue;
    const pos = source.keyPosOf([name]);
    problems.push({ ...pos, message, sourceLine: source.lineText(pos.line) });
  }
  if (problems.length > 0) throw new InputError(problems);
  return value as Vars;
}
