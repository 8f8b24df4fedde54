import { MODULE_PARAMS } from '../modules/params/all-params.js';

const FREE_FORM = new Set(MODULE_PARAMS.filter((m) => m.freeForm).map((m) => m.name));

/**
 * A module's arguments as one mapping: the free form (`command: ls -l`) becomes `{ cmd }`
 * (`script: x.sh --json` becomes `{ src, args }`), an empty value becomes `{}`, and the
 * task's `args:` keyword is merged under the module's own arguments.
 */
export function normaliseArgs(module: string, value: unknown, extra: unknown): Record<string, unknown> {
  const base = extra !== null && typeof extra === 'object' && !Array.isArray(extra) ? { ...(extra as Record<string, unknown>) } : {};
  if (value === null || value === undefined) return base;
  if (typeof value === 'string' && FREE_FORM.has(module)) {
    if (module === 'script') return { ...base, ...splitScriptLine(value) };
    return { ...base, cmd: value };
  }
  if (typeof value === 'object' && !Array.isArray(value)) return { ...base, ...(value as Record<string, unknown>) };
  return base;
}

/** `files/x.sh --a "{{ b c }}"` → { src: 'files/x.sh', args: '--a "{{ b c }}"' }; spaces inside `{{ }}` do not split. */
export function splitScriptLine(line: string): { src: string; args?: string } {
  const text = line.trim();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('{{', i)) depth++;
    else if (text.startsWith('}}', i) && depth > 0) depth--;
    else if (depth === 0 && /\s/.test(text[i])) {
      const args = text.slice(i).trim();
      return args === '' ? { src: text.slice(0, i) } : { src: text.slice(0, i), args };
    }
  }
  return { src: text };
}
