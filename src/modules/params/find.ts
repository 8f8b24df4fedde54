import { boolParam, stringOrList, type ModuleParams } from './module-params.js';

const list = (description: string) => ({ ...stringOrList, description });

/** `find: { paths: /var/log/kuma, patterns: '*.log', age: 7d }` with `register`. */
export const findParams: ModuleParams = {
  name: 'find',
  description:
    "Lists the files on the host that match names, ages, sizes or contents into a registered `files` (stat-like records) and `matched`, as Ansible's find; never changes anything.",
  example: 'find:\n  paths: /var/log/kuma\n  patterns: "*.log"\n  age: 7d\nregister: old_logs\n# "{{ old_logs.files | map(attribute=\'path\') }}"',
  schema: {
    title: 'find parameters',
    type: 'object',
    properties: {
      paths: list('The directories to search (a list, or a comma-separated string); also accepted as path or name.'),
      path: list('Same as paths.'),
      name: list('Same as paths.'),
      patterns: list('Base names to keep: shell globs, or Python regular expressions (matched at the start) with use_regex; default all.'),
      pattern: list('Same as patterns.'),
      excludes: list('Base names to leave out, written as patterns are.'),
      exclude: list('Same as excludes.'),
      contains: { type: 'string', description: 'Only regular files with a line that a Python regular expression matches (at its start).' },
      read_whole_file: boolParam('With contains: search the whole text instead of matching each line (default false).'),
      file_type: { enum: ['file', 'directory', 'link', 'any'], description: 'What kind of entries to list (default file).' },
      age: { type: ['string', 'integer'], description: 'Only entries at least this old (`7d`, `3600`, units s m h d w); a negative age, at most this old.' },
      age_stamp: { enum: ['mtime', 'atime', 'ctime'], description: 'The time age compares with (default mtime).' },
      size: { type: ['string', 'integer'], description: 'Only files at least this big (`10m`, units b k m g t); a negative size, at most this big.' },
      recurse: boolParam('Search the directories under paths too (default false).'),
      depth: {
        type: ['integer', 'string'],
        minimum: 0,
        'x-expected': 'a number of levels',
        description: 'With recurse: how many levels down to list (default all).',
      },
      hidden: boolParam('List names starting with a dot too (default false).'),
      follow: boolParam('Enter links to directories when recursing (default false).'),
      get_checksum: boolParam('Add the sha1 of each regular file as checksum (default false).'),
      use_regex: boolParam('patterns and excludes are Python regular expressions, not globs (default false).'),
    },
    additionalProperties: false,
    anyOf: [{ required: ['paths'] }, { required: ['path'] }, { required: ['name'] }],
  },
};
