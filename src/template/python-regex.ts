/**
 * Python regular expressions (as written in Ansible playbooks) turned into JavaScript
 * ones: named groups `(?P<name>…)` and `(?P=name)`, inline flags at the start (`(?i)`),
 * `\A` and `\Z`. Compiled patterns are cached.
 */
import { TemplateValueError } from './value-error.js';

const cache = new Map<string, RegExp>();

export interface RegexOptions {
  readonly ignorecase?: boolean;
  readonly multiline?: boolean;
  readonly global?: boolean;
  /** Anchor at the start of the text, like Python's re.match. */
  readonly sticky?: boolean;
}

/** Compiles a Python-style pattern; throws TemplateValueError when it is invalid. */
export function compilePythonRegex(pattern: string, options: RegexOptions = {}): RegExp {
  let source = pattern;
  let flags = 'u';
  const inline = source.match(/^\(\?([aiLmsux]+)\)/);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('m')) flags += 'm';
    if (inline[1].includes('s')) flags += 's';
  }
  if (options.ignorecase && !flags.includes('i')) flags += 'i';
  if (options.multiline && !flags.includes('m')) flags += 'm';
  if (options.global) flags += 'g';
  if (options.sticky) flags += 'y';
  const key = `${flags}/${source}`;
  const cached = cache.get(key);
  if (cached) {
    cached.lastIndex = 0;
    return cached;
  }
  const translated = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  let re: RegExp;
  try {
    re = new RegExp(translated, flags);
  } catch (error) {
    try {
      re = new RegExp(translated, flags.replace('u', ''));
    } catch {
      throw new TemplateValueError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}
