import type { YamlPath } from '../schema/yaml-source.js';
import type { IncludeAction } from '../schema/include-actions.js';
import { containsTemplate } from '../template/syntax.js';
import type { IncludingFile } from './include-types.js';
import { compact, loopOf } from './normalise-values.js';
import type { Block, TaskNode } from './types.js';

type Obj = Readonly<Record<string, unknown>>;

/**
 * An `import_tasks`, `include_tasks`, `import_role` or `include_role` task as a block of the
 * tasks it brings in, read now (so that `tpx validate` checks them). An import's keywords
 * apply to every task inside, as in Ansible; an include is marked dynamic (Block.include).
 * Paths written as templates are not supported yet and say so.
 */
export function includeBlock(normaliser: IncludingFile, raw: Obj, path: YamlPath, include: { key: string; action: IncludeAction }): Block {
  const loader = normaliser.loader!;
  const { source, context } = normaliser;
  const { action, key } = include;
  const at = source.keyPosOf([...path, key]);
  const value = raw[key];
  const dynamic = action === 'include_tasks' || action === 'include_role';
  const loop = loopOf(raw);
  if (!dynamic && loop.loop !== undefined) {
    loader.report(at, `${action} cannot loop (it is read when the playbook loads); use ${action.replace('import_', 'include_')} to loop`);
  }
  let nodes: TaskNode[] = [];
  let what: string;
  if (action === 'import_tasks' || action === 'include_tasks') {
    what = typeof value === 'string' ? value : String((value as Obj).file);
    if (containsTemplate(what)) loader.report(at, `${action}: a file path written as a template is not supported yet; write the path`);
    else {
      const file = loader.findTasksFile(what, context, at, action);
      if (file) nodes = loader.readTaskList(file, context, 'tasks', at);
    }
  } else {
    const spec = value as Obj;
    what = String(spec.name);
    const templated = containsTemplate(what);
    if (templated) loader.report(at, `${action}: a role name written as a template is not supported yet; write the name`);
    const ref = templated ? undefined : loader.findRole(what, context, at);
    if (ref && loader.roles) {
      nodes = loader.roles.tasksOf(
        {
          ref,
          tasksFrom: spec.tasks_from as string | undefined,
          varsFrom: spec.vars_from as string | undefined,
          defaultsFrom: spec.defaults_from as string | undefined,
          handlersFrom: spec.handlers_from as string | undefined,
        },
        at,
      );
    }
  }
  const block: Block = {
    kind: 'block',
    ...normaliser.keywords(raw, path),
    block: nodes,
    rescue: [],
    always: [],
  };
  if (!dynamic) return compact(block);
  const loopControl = (raw.loop_control ?? {}) as Obj;
  return compact({
    ...block,
    include: compact({
      action,
      what,
      ...loop,
      loopVar: typeof loopControl.loop_var === 'string' ? loopControl.loop_var : 'item',
    }),
  });
}
