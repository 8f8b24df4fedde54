import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** Every relative import of every file under src/, as src-relative paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)].map((m) =>
      relative(SRC, resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** The cycles of a graph, each once, as node lists (first node repeated at the end). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (start: string, node: string, path: string[]): void => {
    for (const next of edges.get(node) ?? []) {
      if (next === start) {
        const key = [...path].sort().join(' ');
        if (!found.has(key)) found.set(key, [...path, start]);
      } else if (!path.includes(next) && next > start) visit(start, next, [...path, next]);
    }
  };
  for (const node of [...edges.keys()].sort()) visit(node, node, [node]);
  return [...found.values()];
}

describe('src/ imports', () => {
  const graph = importGraph();

  it('has no import cycles between folders', () => {
    const folderOf = (f: string): string => (f.includes('/') ? f.split('/')[0] : '.');
    const edges = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      for (const t of targets) {
        if (folderOf(t) === folderOf(file)) continue;
        if (!edges.has(folderOf(file))) edges.set(folderOf(file), new Set());
        edges.get(folderOf(file))!.add(folderOf(t));
      }
    }
    expect(edges.size).toBeGreaterThan(5);
    expect(cycles(edges).map((c) => c.join(' → '))).toEqual([]);
  });

  it('walks one task through three engine files, each importing only the next, and no leaf importing a stage (docs/architecture.md)', () => {
    const stages = ['engine/run-playbook.ts', 'engine/run-task.ts', 'engine/run-module.ts'];
    for (const [file, targets] of graph) {
      for (const [i, stage] of stages.entries()) {
        if (!targets.includes(stage)) continue;
        // `tpx run` starts the walk; each stage is imported by the one before it alone.
        expect(file, `${file} imports ${stage}`).toBe(i === 0 ? 'cli/commands/run.ts' : stages[i - 1]);
      }
    }
    for (const stage of stages) expect(graph.has(stage), stage).toBe(true);
  });

  it('has no import cycles between files', () => {
    const edges = new Map([...graph].map(([f, ts]) => [f, new Set(ts)]));
    expect(cycles(edges).map((c) => c.join(' → '))).toEqual([]);
  });
});
