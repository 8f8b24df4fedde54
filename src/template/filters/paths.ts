/** Path filters, POSIX like Ansible's: basename, dirname, splitext. */
import { pyStr } from '../python-values.js';
import type { FilterFunction } from './filter-types.js';

function splitExtension(path: string): [string, string] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || base.slice(0, dot).replace(/\./g, '') === '') return [path, ''];
  const cut = path.length - (base.length - dot);
  return [path.slice(0, cut), path.slice(cut)];
}

/** The filters of this file by name. */
export const pathFilters: Record<string, FilterFunction> = {
  basename: (value) => {
    const path = pyStr(value);
    return path.slice(path.lastIndexOf('/') + 1);
  },
  dirname: (value) => {
    const path = pyStr(value);
    const head = path.slice(0, path.lastIndexOf('/') + 1);
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
  },
  splitext: (value) => splitExtension(pyStr(value)),
};
