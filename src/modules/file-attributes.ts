import { formatMode } from './file-mode.js';
import { sameOwner, type PathState } from './path-state.js';
import { quoteArg } from '../shell/quote.js';
import { unifiedDiff } from './unified-diff.js';
import { atEntry, openedEntry } from './write-file-command.js';

/** Mode and ownership a task asks for; unset ones are left as they are. */
export interface WantedAttributes {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
}

/** What differs between a path's state and the wanted attributes (only the differing ones are set). */
export interface AttributeChanges {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
  /** Human-readable, e.g. `mode 0644 → 0600`. */
  readonly notes: readonly string[];
}

/** Compares an existing path's attributes with the wanted ones. Links have no mode of their own. */
export function compareAttributes(state: PathState, want: WantedAttributes): AttributeChanges {
  const notes: string[] = [];
  let mode: number | undefined;
  let owner: string | undefined;
  let group: string | undefined;
  if (want.mode !== undefined && state.type !== 'link' && state.mode !== want.mode) {
    mode = want.mode;
    notes.push(`mode ${state.mode === undefined ? '?' : formatMode(state.mode)} → ${formatMode(want.mode)}`);
  }
  if (want.owner !== undefined && !sameOwner(want.owner, state.user, state.uid)) {
    owner = want.owner;
    notes.push(`owner ${state.user ?? '?'} → ${want.owner}`);
  }
  if (want.group !== undefined && !sameOwner(want.group, state.group, state.gid)) {
    group = want.group;
    notes.push(`group ${state.group ?? '?'} → ${want.group}`);
  }
  return { mode, owner, group, notes };
}

/** True when something must change. */
export function hasAttributeChanges(c: AttributeChanges): boolean {
  return c.mode !== undefined || c.owner !== undefined || c.group !== undefined;
}

/**
 * The command that applies attribute changes to `path` (`chmod`, `chown`, `chgrp`), or
 * undefined when nothing differs. For a link, ownership of the link itself (`-h`).
 */
export function attributeCommand(path: string, c: AttributeChanges, opts: { link?: boolean } = {}): string | undefined {
  const p = quoteArg(path);
  const h = opts.link ? '-h ' : '';
  const steps: string[] = [];
  if (c.mode !== undefined) steps.push(`chmod ${formatMode(c.mode)} -- ${p}`);
  if (c.owner !== undefined) steps.push(`chown ${h}-- ${quoteArg(c.group !== undefined ? `${c.owner}:${c.group}` : c.owner)} ${p}`);
  else if (c.group !== undefined) steps.push(`chgrp ${h}-- ${quoteArg(c.group)} ${p}`);
  return steps.length ? steps.join(' && ') : undefined;
}

/**
 * The command that applies attribute changes to the file at `path` as root does it on the host
 * (copy, lineinfile, blockinfile, replace), or undefined when nothing differs: in its
 * directory, entered by the walk that writeFileCommand enters it by (atEntry: another user's
 * link on the way is refused, as is their file or link at `path` in a world-writable
 * directory, `asked` being the owner the task asks for), through the file opened there by its
 * relative name, never through a link: a link at the entry by then is refused, and a name
 * swapped between the check and the open is too (the open file must be what the name is).
 * With `follow` (copy, whose dest may be a link of ours), a link at `path` is followed as the
 * walk follows one, and the file it leads to is changed. With `directory` (the file module),
 * the entry must be a directory instead of a regular file.
 */
export function entryAttributeCommand(
  path: string,
  c: AttributeChanges,
  opts: { readonly asked?: string; readonly follow?: boolean; readonly directory?: boolean } = {},
): string | undefined {
  const steps: string[] = [];
  if (c.mode !== undefined) steps.push(`chmod ${formatMode(c.mode)} -- "$f"`);
  if (c.owner !== undefined) steps.push(`chown -- ${quoteArg(c.group !== undefined ? `${c.owner}:${c.group}` : c.owner)} "$f"`);
  else if (c.group !== undefined) steps.push(`chgrp -- ${quoteArg(c.group)} "$f"`);
  if (!steps.length) return undefined;
  const refuse = (why: string): string => `{ echo ${quoteArg(`${path} ${why}; not changed`)} >&2; exit 1; }`;
  // A directory is entered (cd fails at once on anything else, where an open of a FIFO swapped
  // in would block) and must be the entry itself; a file is opened read-only (never created)
  // and must be a regular file once open.
  // (openedEntry refuses a link at the entry itself.)
  const pinned = opts.directory
    ? (e: string): string =>
        `if [ -L ${e} ]; then ${refuse('is a link now')}; fi; y=${e}; w0=$PWD; cd -P -- "$y" 2>/dev/null || ${refuse('is not a directory now')}; ` +
        `[ "$PWD" = "\${w0%/}/\${y#./}" ] || ${refuse('was swapped while it was entered')}; f=.; `
    : (e: string): string => openedEntry(e, 5, refuse);
  return atEntry(path, (e) => `${pinned(e)}${steps.join(' && ')}`, opts);
}

/** The state of a path as `key: value` lines, for a --diff of non-content changes. */
export function describeState(fields: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
}

/** A unified diff of two state descriptions (see describeState), labelled with the path. */
export function stateDiff(path: string, before: Readonly<Record<string, string | undefined>>, after: Readonly<Record<string, string | undefined>>): string {
  return unifiedDiff(describeState(before), describeState(after), { fromLabel: `before: ${path}`, toLabel: `after: ${path}` });
}
