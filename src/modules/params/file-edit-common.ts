import { boolParam, type JsonSchema, modeSchema, nameParam, pathSchema } from './module-params.js';

/** A parameter Ansible reads as text: a string, or the number or boolean YAML made of one. */
export const textParam = (description: string): JsonSchema => ({ type: ['string', 'number', 'boolean'], description });

/** The file a module edits in place (lineinfile, blockinfile, replace): path, also named dest, destfile or name. */
export const editedPathProperties = (description: string): Record<string, JsonSchema> => ({
  path: pathSchema(description),
  dest: pathSchema('Same as path.'),
  destfile: pathSchema('Same as path.'),
  name: pathSchema('Same as path.'),
});

/** One of path's names must be given. */
export const editedPathRequired = [{ required: ['path'] }, { required: ['dest'] }, { required: ['destfile'] }, { required: ['name'] }];

export const backupParam = boolParam('Keep a timestamped copy of the old file when it changes.');

/** How the edited file is written back: checked first, with its mode and owner (unsafe_writes only accepted). */
export const editedFileProperties: Record<string, JsonSchema> = {
  validate: { type: 'string', description: 'A command run on the new file before it replaces the old one; %s is its path.' },
  mode: modeSchema,
  owner: nameParam('Owner (user name) of the file.'),
  group: nameParam('Group of the file.'),
  unsafe_writes: boolParam('Accepted for Ansible compatibility; tpx always writes atomically.'),
};
