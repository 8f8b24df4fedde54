import { InputError, type InputProblem } from '../errors/input-error.js';
import { dirname } from 'node:path';
import type { Play, SerialSpec, VarsFile } from '../playbook/types.js';
import { readVarsEntry } from '../playbook/vars-files.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { renderValue } from '../template/render.js';
import { createLazyVars, isUnrenderable, type VarEntry } from './lazy-vars.js';
import { playKeywordAt } from './keyword-source.js';
import { RUN_ID_VAR } from './run-id.js';

/**
 * Renders the play keywords written as templates — `serial: "{{ serial | default([1, '25%']) }}"`,
 * `max_fail_percentage: "{{ max_fail_percentage | default(0) }}"` — with the play's vars and
 * the `-e` extra vars only, as Ansible does (no inventory or host vars: a play has one rollout
 * plan for all its hosts). Returns the plays with those keywords as plain values.
 *
 * Every play is resolved before anything connects: a value that does not render, or renders
 * to something that is not a batch size / percentage, is an InputError (exit 4, "nothing was
 * run") naming the play, the keyword and the rendered value, at the keyword's line.
 */
export function resolvePlayKeywords(
  plays: readonly Play[],
  extraVars: Readonly<Record<string, unknown>>,
  runId?: string,
  vaultSecrets?: readonly VaultSecret[],
): Play[] {
  const problems: InputProblem[] = [];
  const resolved = plays.map((play) => {
    const baseDir = dirname(play.pos.file);
    if (!needsRendering(play) && !namesUnreachableFails(play, extraVars)) return play;
    const vars = playVars(play, runId === undefined ? extraVars : { ...extraVars, [RUN_ID_VAR]: runId });
    const fail = (keyword: string, message: string): void => {
      problems.push({ ...playKeywordAt(play, keyword), message: `play "${play.name}": ${keyword}: ${message}` });
    };
    const serial = resolveSerial(play.serial, vars, (m) => fail('serial', m));
    const template = play.templated?.max_fail_percentage;
    const maxFail = template === undefined ? play.maxFailPercentage : resolveMaxFail(template, vars, (m) => fail('max_fail_percentage', m));
    const varsFiles = play.varsFiles.map((entry) => resolveVarsFile(entry, vars, baseDir, problems, vaultSecrets));
    const fatalTemplate = play.templated?.any_errors_fatal;
    const anyErrorsFatal = fatalTemplate === undefined ? play.anyErrorsFatal : resolveBoolean(fatalTemplate, vars, (m) => fail('any_errors_fatal', m));
    const unreachableFails = namesUnreachableFails(play, extraVars) ? readUnreachableFails(vars, (m) => fail(UNREACHABLE_FAILS_VAR, m)) : undefined;
    const { templated: _templated, ...rest } = play;
    return { ...rest, serial, maxFailPercentage: maxFail, anyErrorsFatal, varsFiles, ...(unreachableFails === undefined ? {} : { unreachableFails }) } as Play;
  });
  if (problems.length > 0) throw new InputError(problems);
  return resolved;
}

/** The variable that makes unreachable hosts count as failed for max_fail_percentage (tpx's own; Ansible ignores it). */
export const UNREACHABLE_FAILS_VAR = 'tpx_unreachable_fails';

function namesUnreachableFails(play: Play, extraVars: Readonly<Record<string, unknown>>): boolean {
  const has = (vars: Readonly<Record<string, unknown>> | undefined): boolean => vars !== undefined && Object.hasOwn(vars, UNREACHABLE_FAILS_VAR);
  return has(extraVars) || has(play.vars) || play.varsFiles.some((entry) => has(entry.vars));
}

function needsRendering(play: Play): boolean {
  return (
    play.templated?.max_fail_percentage !== undefined ||
    play.templated?.any_errors_fatal !== undefined ||
    (play.serial ?? []).some((v) => typeof v === 'string' && isTemplate(v)) ||
    play.varsFiles.some((entry) => entry.vars === undefined)
  );
}

/**
 * A `vars_files` entry whose paths are templates: rendered with the play's vars and `-e`
 * (like `serial`), then read. Paths that need a host's own variables or facts are not
 * supported yet, and say so.
 */
function resolveVarsFile(
  entry: VarsFile,
  vars: Record<string, unknown>,
  baseDir: string,
  problems: InputProblem[],
  vaultSecrets?: readonly VaultSecret[],
): VarsFile {
  if (entry.vars !== undefined) return entry;
  const at = { file: entry.pos.file, line: entry.pos.line, col: entry.pos.col };
  const paths: string[] = [];
  for (const path of entry.paths) {
    const rendered = render(path, vars, (message) =>
      problems.push({
        ...at,
        message: `vars_files: ${message}; a path is rendered with the play's vars, earlier vars_files and -e (paths that use host variables or facts are not supported yet)`,
      }),
    );
    if (!rendered) return { ...entry, vars: {} };
    paths.push(String(rendered.value));
  }
  return { ...entry, paths, vars: readVarsEntry(paths, baseDir, (message) => problems.push({ ...at, message }), problems, vaultSecrets) };
}

function isTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/** Play vars and the vars files read at load time (rendered lazily: one may use another) under `-e`. */
function playVars(play: Play, extraVars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const entries = new Map<string, VarEntry>();
  for (const [k, v] of Object.entries(play.vars)) entries.set(k, { value: v, template: true });
  for (const entry of play.varsFiles) for (const [k, v] of Object.entries(entry.vars ?? {})) entries.set(k, { value: v, template: true });
  for (const [k, v] of Object.entries(extraVars)) entries.set(k, { value: v, template: true });
  return createLazyVars(entries, (value, vars) => renderValue(value, { vars }));
}

/** Renders one keyword value; reports and returns undefined when it cannot. */
function render(template: string, vars: Record<string, unknown>, fail: (message: string) => void): { value: unknown } | undefined {
  try {
    const value = renderValue(template, { vars });
    if (isUnrenderable(value)) value.fail();
    return { value };
  } catch (error) {
    fail(`cannot render ${JSON.stringify(template)}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const SERIAL_EXPECTED = 'expected a whole number of hosts (at least 1), a percentage such as "25%", or a list of them';

/** Each serial entry rendered; an entry that renders to a list adds its items. */
function resolveSerial(serial: SerialSpec | undefined, vars: Record<string, unknown>, fail: (message: string) => void): SerialSpec | undefined {
  if (serial === undefined) return undefined;
  const out: (number | string)[] = [];
  for (const entry of serial) {
    if (typeof entry !== 'string' || !isTemplate(entry)) {
      out.push(entry);
      continue;
    }
    const rendered = render(entry, vars, fail);
    if (!rendered) return undefined;
    const items = Array.isArray(rendered.value) ? rendered.value : [rendered.value];
    if (items.length === 0) {
      fail(`${JSON.stringify(entry)} rendered to an empty list; ${SERIAL_EXPECTED}`);
      return undefined;
    }
    for (const item of items) {
      const value = checkSerialValue(item);
      if (value === undefined) {
        const shown = items.length > 1 || Array.isArray(rendered.value) ? `${describe(item)} (in ${describe(rendered.value)})` : describe(item);
        fail(`${JSON.stringify(entry)} rendered to ${shown}; ${SERIAL_EXPECTED}`);
        return undefined;
      }
      out.push(value);
    }
  }
  return out;
}

/** A batch size (integer ≥ 1, also as a numeric string) or "N%" with 0 < N ≤ 100; undefined when neither. */
export function checkSerialValue(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (pct) {
    const n = Number(pct[1]);
    return n > 0 && n <= 100 ? `${pct[1]}%` : undefined;
  }
  if (/^\d+$/.test(text) && Number(text) >= 1) return Number(text);
  return undefined;
}

function resolveMaxFail(template: string, vars: Record<string, unknown>, fail: (message: string) => void): number | undefined {
  const rendered = render(template, vars, fail);
  if (!rendered) return undefined;
  const value = checkPercentage(rendered.value);
  if (value === undefined) {
    fail(`${JSON.stringify(template)} rendered to ${describe(rendered.value)}; expected a number from 0 to 100 (a percentage of the batch's hosts)`);
  }
  return value;
}

/** A boolean keyword's template, read as Ansible reads booleans (true/yes/on/1, false/no/off/0). */
function resolveBoolean(template: string, vars: Record<string, unknown>, fail: (message: string) => void): boolean {
  const rendered = render(template, vars, fail);
  return rendered ? asBoolean(rendered.value, JSON.stringify(template), fail) : false;
}

/** A value read as Ansible reads booleans; `what` names it in the message when it is none. */
function asBoolean(value: unknown, what: string, fail: (message: string) => void): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['true', 'yes', 'on', '1', 'y', 't'].includes(text)) return true;
  if (['false', 'no', 'off', '0', 'n', 'f', ''].includes(text)) return false;
  fail(`${what} rendered to ${describe(value)}; expected true or false`);
  return false;
}

/** `tpx_unreachable_fails` from play vars, vars files and -e, rendered and read as a boolean. */
function readUnreachableFails(vars: Record<string, unknown>, fail: (message: string) => void): boolean {
  let value: unknown;
  try {
    value = vars[UNREACHABLE_FAILS_VAR];
    if (isUnrenderable(value)) value.fail();
  } catch (error) {
    fail(`cannot render it: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  return asBoolean(value, 'it', fail);
}

/** 0–100 as a number, a numeric string or "N%"; undefined otherwise. */
export function checkPercentage(value: unknown): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*%?\s*$/.test(value)) n = Number(value.replace('%', '').trim());
  else return undefined;
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
