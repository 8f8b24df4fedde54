import { readFileSync } from 'node:fs';
import type { InputProblem } from '../errors/input-error.js';
import { didYouMean } from '../errors/suggest.js';
import { containsTemplate } from '../template/syntax.js';
import { type Play, playSections, type Task, type TaskNode } from './types.js';

/**
 * Every `notify` names a handler of its play — by name, by `listen` topic, or as
 * `ROLE : NAME` for a role's handler — checked once roles and included files are read, so a
 * task of a role may notify the play's handlers and the other way round. Templated names
 * are checked at run time.
 */
export function checkNotify(plays: readonly Play[]): InputProblem[] {
  const problems: InputProblem[] = [];
  const lines = new Map<string, string[]>();
  const lineText = (file: string, line: number): string | undefined => {
    if (!lines.has(file)) {
      try {
        lines.set(file, readFileSync(file, 'utf8').split('\n'));
      } catch {
        lines.set(file, []);
      }
    }
    return lines.get(file)![line - 1]?.replace(/\r$/, '');
  };
  for (const play of plays) {
    const names = handlerNames(play.handlers);
    const check = (task: Task): void => {
      task.notify.forEach((name, i) => {
        if (containsTemplate(name) || names.has(name)) return;
        const pos = task.notifyPos?.[i] ?? task.pos;
        problems.push({ ...pos, message: missingHandlerMessage(name, names), sourceLine: lineText(pos.file, pos.line) });
      });
    };
    for (const section of playSections(play)) forEachTask(section, check);
    play.handlers.forEach(check);
  }
  return problems;
}

/** What to say of a `notify` that names no handler of the play. */
export function missingHandlerMessage(name: string, handlers: ReadonlySet<string>): string {
  return handlers.size === 0
    ? `notify names the handler "${name}", but this play has no handlers`
    : `notify names the handler "${name}", which this play does not have${didYouMean(name, handlers)}`;
}

/** Handler names, `listen` topics and `ROLE : NAME` of a play's handlers. */
function handlerNames(handlers: readonly Task[]): Set<string> {
  const out = new Set<string>();
  for (const h of handlers) {
    if (h.name !== undefined) {
      out.add(h.name);
      if (h.role !== undefined) out.add(`${h.role} : ${h.name}`);
    }
    for (const topic of h.listen) out.add(topic);
  }
  return out;
}

function forEachTask(nodes: readonly TaskNode[], visit: (task: Task) => void): void {
  for (const node of nodes) {
    if (node.kind === 'task') visit(node);
    else for (const list of [node.block, node.rescue, node.always]) forEachTask(list, visit);
  }
}
