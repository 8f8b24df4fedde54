/** Every filter tpx templates know, by name (the names listed in catalog.ts). */
import { dataFormatFilters } from './data-formats.js';
import { defaultsAndTypesFilters } from './defaults-and-types.js';
import type { FilterFunction, FilterLookup } from './filter-types.js';
import { mappingFilters } from './mappings.js';
import { pathFilters } from './paths.js';
import { regexFilters } from './regex.js';
import { buildSelectMapFilters } from './select-map.js';
import { sequenceFilters } from './sequences.js';
import { stringFilters } from './strings.js';

/** All filters; `lookup` lets map/select call the environment's other filters and tests. */
export function buildFilters(lookup: FilterLookup): Record<string, FilterFunction> {
  return {
    ...defaultsAndTypesFilters,
    ...stringFilters,
    ...regexFilters,
    ...dataFormatFilters,
    ...pathFilters,
    ...sequenceFilters,
    ...mappingFilters,
    ...buildSelectMapFilters(lookup),
  };
}
