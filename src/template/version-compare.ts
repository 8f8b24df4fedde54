/**
 * Version comparison for the `version` test (`ver is version('2.9.0', '<')`).
 *
 * Like Ansible's default (LooseVersion), versions are split into numeric and alphabetic
 * components and numbers compare as numbers ("2.10.1" > "2.9.3"). Two deliberate
 * differences from LooseVersion, so that release versions order sanely:
 * - missing trailing numbers count as zero ("2.9" == "2.9.0"; LooseVersion says "2.9" < "2.9.0");
 * - a suffix after the numbers is a pre-release that sorts before its release
 *   ("2.9.0-rc1" < "2.9.0", "2.9.0-rc1" < "2.9.0-rc2"), as in semver; build metadata
 *   after "+" and a leading "v" are ignored.
 */
import { TemplateValueError } from './value-error.js';

type Component = number | string;

interface ParsedVersion {
  readonly release: number[];
  /** Empty for a release; otherwise the pre-release components. */
  readonly pre: Component[];
}

const OPERATORS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

/** True when `operator` is one the version test accepts. */
export function isVersionOperator(operator: string): boolean {
  return Object.hasOwn(OPERATORS, operator);
}

/** `a OP b` on versions; throws TemplateValueError on an unknown operator or an empty version. */
export function testVersion(a: unknown, b: unknown, operator = 'eq'): boolean {
  const check = OPERATORS[operator];
  if (!check) throw new TemplateValueError(`version test: unknown operator "${operator}"; use one of ${Object.keys(OPERATORS).join(', ')}`);
  return check(compareVersions(String(a), String(b)));
}

/** Negative, zero or positive as version `a` sorts before, with, or after `b`. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  const length = Math.max(va.release.length, vb.release.length);
  for (let i = 0; i < length; i++) {
    const d = (va.release[i] ?? 0) - (vb.release[i] ?? 0);
    if (d !== 0) return d;
  }
  if (va.pre.length === 0 || vb.pre.length === 0) return vb.pre.length - va.pre.length;
  return compareComponents(va.pre, vb.pre);
}

function compareComponents(a: Component[], b: Component[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function parseVersion(text: string): ParsedVersion {
  const cleaned = text
    .trim()
    .replace(/^[vV](?=\d)/, '')
    .replace(/\+.*$/, '');
  if (cleaned === '') throw new TemplateValueError(`version test: "${text}" is not a version`);
  const m = cleaned.match(/^(\d+(?:\.\d+)*)(.*)$/);
  if (!m) return { release: [], pre: splitComponents(cleaned) };
  return { release: m[1].split('.').map(Number), pre: splitComponents(m[2]) };
}

function splitComponents(text: string): Component[] {
  return (text.match(/\d+|[A-Za-z]+/g) ?? []).map((part) => (/^\d+$/.test(part) ? Number(part) : part.toLowerCase()));
}
