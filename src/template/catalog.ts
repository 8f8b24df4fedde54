/**
 * The names of every filter and test tpx templates know. It is the single list that
 * validation checks names against (an unknown name is a syntax error, like ansible-lint
 * reports it) and that the environment must implement; a test keeps the two in step.
 */

/** Filter names, Jinja2's and Ansible's that tpx supports. */
export const FILTER_NAMES: readonly string[] = [
  // defaults and types
  'default',
  'd',
  'mandatory',
  'int',
  'float',
  'bool',
  'string',
  'list',
  'type_debug',
  // strings
  'trim',
  'upper',
  'lower',
  'capitalize',
  'title',
  'replace',
  'split',
  'join',
  'regex_search',
  'regex_replace',
  'regex_findall',
  'regex_escape',
  'quote',
  'center',
  'indent',
  'truncate',
  'wordcount',
  'urlencode',
  // data formats
  'to_json',
  'to_nice_json',
  'tojson',
  'from_json',
  'to_yaml',
  'to_nice_yaml',
  'from_yaml',
  'b64encode',
  'b64decode',
  'hash',
  // paths
  'basename',
  'dirname',
  'splitext',
  // sequences
  'first',
  'last',
  'length',
  'count',
  'unique',
  'sort',
  'reverse',
  'map',
  'select',
  'reject',
  'selectattr',
  'rejectattr',
  'flatten',
  'difference',
  'intersect',
  'union',
  'symmetric_difference',
  'zip',
  'batch',
  'slice',
  'groupby',
  'min',
  'max',
  'sum',
  // mappings
  'dict2items',
  'items2dict',
  'items',
  'dictsort',
  'combine',
  // numbers and logic
  'abs',
  'round',
  'ternary',
];

/** Test names (`x is NAME`), Jinja2's and Ansible's that tpx supports. */
export const TEST_NAMES: readonly string[] = [
  'defined',
  'undefined',
  'none',
  'version',
  'version_compare',
  'match',
  'search',
  'regex',
  'in',
  'contains',
  'subset',
  'superset',
  'string',
  'number',
  'integer',
  'float',
  'boolean',
  'bool',
  'mapping',
  'sequence',
  'iterable',
  'truthy',
  'falsy',
  'odd',
  'even',
  'divisibleby',
  'lower',
  'upper',
  'all',
  'any',
  'success',
  'succeeded',
  'failure',
  'failed',
  'changed',
  'change',
  'skipped',
  'skip',
  'equalto',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'sameas',
];

const filterSet = new Set(FILTER_NAMES);
const testSet = new Set(TEST_NAMES);

/** True when `name` is a filter tpx implements. */
export function isKnownFilter(name: string): boolean {
  return filterSet.has(name);
}

/** True when `name` is a test tpx implements. */
export function isKnownTest(name: string): boolean {
  return testSet.has(name);
}
