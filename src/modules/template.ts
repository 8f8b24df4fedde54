import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { renderTemplateFile, type TemplateFileOptions } from '../template/render-file.js';
import { copyFactCommand, type CopyWriteOptions, normaliseCopyWrite, planCopyContent } from './copy.js';
import { readLocalFile } from './local-file.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { templateParams } from './params/template.js';
import { planOrFail } from './plans.js';
import { validateCommand } from './validate-command.js';

/** Parameters of `template`: a local Jinja2 `src` rendered on the controller → `dest` on the host. */
export type TemplateParams = CopyWriteOptions & {
  readonly src: string;
  readonly dest: string;
  /** The validate command as shell, the new file being "$t". */
  readonly validate?: string;
  readonly syntax: TemplateFileOptions;
};

const NEWLINES: Readonly<Record<string, '\n' | '\r' | '\r\n'>> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

export function normaliseTemplate(raw: Readonly<Record<string, unknown>>): TemplateParams {
  const args = new ModuleArgs('template', raw, paramNames(templateParams));
  const newline = args.string('newline_sequence') ?? '\n';
  const newlineSequence = NEWLINES[newline];
  if (newlineSequence === undefined) throw args.error('newline_sequence needs to be one of: \\n, \\r or \\r\\n', 'newline_sequence');
  if (args.bool('follow', false)) throw args.error('follow: true is not supported yet (tpx replaces a link at dest)', 'follow');
  const validate = args.string('validate');
  if (validate !== undefined && !validate.includes('%s')) throw args.error(`validate must contain %s: ${validate}`, 'validate');
  const delimiter = (name: string): string | undefined => args.string(name) || undefined;
  const syntax: TemplateFileOptions = {
    newlineSequence,
    trimBlocks: args.bool('trim_blocks', true),
    lstripBlocks: args.bool('lstrip_blocks', false),
    blockStart: delimiter('block_start_string'),
    blockEnd: delimiter('block_end_string'),
    variableStart: delimiter('variable_start_string'),
    variableEnd: delimiter('variable_end_string'),
    commentStart: delimiter('comment_start_string'),
    commentEnd: delimiter('comment_end_string'),
  };
  return {
    src: args.requiredString('src'),
    dest: args.requiredString('dest'),
    ...normaliseCopyWrite(args),
    validate: validate === undefined ? undefined : validateCommand(validate),
    syntax: Object.fromEntries(Object.entries(syntax).filter(([, v]) => v !== undefined)) as TemplateFileOptions,
  };
}

/** Python's str() of a datetime, as Ansible's template_run_date and template_mtime print. */
export function pythonDatetime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const micro = d.getMilliseconds() === 0 ? '' : `.${String(d.getMilliseconds() * 1000).padStart(6, '0')}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}${micro}`;
}

/** The controller's user name of a uid (from /etc/passwd), else the number, as Ansible's template_uid. */
function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid && f[2] !== '') return f[0];
    }
  } catch {
    // no /etc/passwd: the number, as Ansible falls back
  }
  return String(uid);
}

/**
 * The variables Ansible's template action adds for the template (generate_ansible_template_vars):
 * where it is, who owns it, when it was changed and rendered, and `ansible_managed`.
 * Datetimes are given as the text Python prints for them.
 */
export function templateVars(src: string, fullpath: string, dest: string, st: { uid: number; mtime: Date }, now = new Date()): Record<string, unknown> {
  return {
    template_host: hostname(),
    template_path: src,
    template_mtime: pythonDatetime(st.mtime),
    template_uid: userName(st.uid),
    template_run_date: pythonDatetime(now),
    template_destpath: dest,
    template_fullpath: fullpath,
    ansible_managed: 'Ansible managed',
  };
}

/**
 * The task's variables with `extra` over them, without reading the others: the task's view
 * renders each variable when it is first read, so copying it would render them all.
 */
function overlayVars(base: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const own = (key: string | symbol): key is string => typeof key === 'string' && Object.hasOwn(extra, key);
  return new Proxy(Object.create(null) as Record<string, unknown>, {
    has: (_t, key) => own(key) || key in base,
    get: (_t, key) => (own(key) ? extra[key] : typeof key === 'string' ? base[key] : undefined),
    ownKeys: () => [...new Set([...Reflect.ownKeys(base), ...Object.keys(extra)])],
    getOwnPropertyDescriptor: (_t, key) => {
      if (own(key)) return { configurable: true, enumerable: true, writable: false, value: extra[key] };
      const found = Reflect.getOwnPropertyDescriptor(base, key);
      return found === undefined ? undefined : { ...found, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

async function planTemplate(p: TemplateParams, facts: FactResults, ctx: PlanContext): Promise<Plan> {
  const local = await readLocalFile(p.src, ctx, 'templates');
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(local.content);
  } catch {
    throw new Error('Template source files must be utf-8 encoded');
  }
  const st = await stat(local.path);
  const vars = overlayVars(ctx.vars, templateVars(p.src, posix.resolve(local.path), p.dest, st));
  const text = renderTemplateFile(source, { vars, host: ctx.host, task: `template ${p.src}` }, p.syntax);
  const mode = p.mode === 'preserve' ? local.mode : p.mode;
  return planCopyContent({ ...p, mode }, Buffer.from(text, 'utf8'), facts, ctx);
}

/** `template`: renders a Jinja2 file with the task's variables on the controller and writes it on the host like `copy`. */
export const templateModule: ModuleDefinition<TemplateParams> = {
  name: 'template',
  params: templateParams,
  normalise: normaliseTemplate,
  facts: (p, ctx) => [{ key: 'dest', command: copyFactCommand(p, ctx.diff), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planTemplate(p, facts, ctx)),
};
