import type { YamlPath, YamlSource } from '../schema/yaml-source.js';

/**
 * A file that holds a list of tasks (or handlers) — an imported tasks file, a role's
 * tasks/main.yml — seen as a playbook of one play that has that list under `key`, so the
 * playbook's schema, checks and normaliser apply to it unchanged. Paths into the play's list
 * map back to the file's own positions; anything else points at the file's start.
 */
export function asOnePlaySource(file: YamlSource, key: 'tasks' | 'handlers'): YamlSource {
  const inner = (path: YamlPath): YamlPath | undefined => (path.length >= 2 && Number(path[0]) === 0 && path[1] === key ? path.slice(2) : undefined);
  const map = (path: YamlPath): YamlPath => inner(path) ?? [];
  return {
    ...file,
    value: [{ hosts: 'all', [key]: file.value }],
    posOf: (path) => file.posOf(map(path)),
    keyPosOf: (path) => (inner(path)?.length ? file.keyPosOf(map(path)) : file.posOf(map(path))),
    keyLineOf: (path) => {
      if (inner(path)?.length) return file.keyLineOf(map(path));
      const pos = file.posOf(map(path));
      return { ...pos, text: file.lineText(pos.line) };
    },
    nodeAt: (path) => {
      const at = inner(path);
      return at === undefined ? undefined : file.nodeAt(at);
    },
  };
}
