import type { InputProblem } from '../errors/input-error.js';
import type { YamlSource } from '../schema/load-yaml.js';
import { expandHostKey } from './expand-host-key.js';
import type { InventoryBuilder } from './inventory-builder.js';

type Path = (string | number)[];

/** An Ansible inventory-plugin config (`plugin: aws_ec2`), which tpx does not run: the problem to report, if it is one. */
export function findPluginConfig(source: YamlSource): InputProblem | undefined {
  const root = source.value;
  if (!isMapping(root) || typeof root.plugin !== 'string') return undefined;
  const pos = source.keyPosOf(['plugin']);
  return {
    ...pos,
    message: `this is an Ansible inventory plugin configuration ("plugin: ${root.plugin}"), which tpx does not run; give a YAML inventory (all / hosts / children / vars)`,
    sourceLine: source.lineText(pos.line),
  };
}
type Mapping = Record<string, unknown>;

const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks one inventory document in Ansible's YAML inventory structure and feeds the builder,
 * in the order of the file (as ansible-core's `yaml` inventory plugin does). Top-level keys
 * are groups (`all` or any other name, which then becomes a child of `all`).
 *
 * Returns the problems the JSON Schema cannot see (cycles among children, malformed host
 * ranges); anything of the wrong shape is skipped here because the schema reports it.
 */
export function readInventoryDocument(source: YamlSource, builder: InventoryBuilder): InputProblem[] {
  const problems: InputProblem[] = [];
  const report = (path: Path, message: string): void => {
    const pos = source.keyPosOf(path);
    problems.push({ ...pos, message, sourceLine: source.lineText(pos.line) });
  };
  const root = source.value;
  if (!isMapping(root)) return problems;
  for (const [name, data] of Object.entries(root)) {
    if (name === '') report([name], 'a group name cannot be empty');
    else readGroup(name, data, [name]);
  }
  return problems;

  function readGroup(name: string, data: unknown, path: Path): void {
    if (data !== null && data !== undefined && !isMapping(data)) return;
    builder.addGroup(name);
    if (!data) return;
    // Sections in the order they are written, like Ansible (it matters for host order).
    for (const [section, value] of Object.entries(data)) {
      if (section === 'vars') readGroupVars(name, value);
      else if (section === 'children') readChildren(name, value, [...path, 'children']);
      else if (section === 'hosts') readHosts(name, value, [...path, 'hosts']);
    }
  }

  function readGroupVars(group: string, vars: unknown): void {
    if (!isMapping(vars)) return;
    for (const [k, v] of Object.entries(vars)) builder.setGroupVar(group, k, v);
  }

  function readChildren(parent: string, children: unknown, path: Path): void {
    const entries = typeof children === 'string' ? [[children, null] as const] : isMapping(children) ? Object.entries(children) : [];
    for (const [child, data] of entries) {
      const childPath = typeof children === 'string' ? path : [...path, child];
      if (child === '') {
        report(childPath, 'a group name cannot be empty');
        continue;
      }
      if (child === 'all') {
        report(childPath, 'group "all" cannot be a child of another group');
        continue;
      }
      readGroup(child, data, childPath);
      if (!builder.hasGroup(child)) continue;
      const cycle = builder.addChild(parent, child);
      if (cycle) report(childPath, cycle);
    }
  }

  function readHosts(group: string, hosts: unknown, path: Path): void {
    const entries = typeof hosts === 'string' ? [[hosts, null] as const] : isMapping(hosts) ? Object.entries(hosts) : [];
    for (const [key, vars] of entries) {
      const hostPath = typeof hosts === 'string' ? path : [...path, key];
      if (vars !== null && vars !== undefined && !isMapping(vars)) continue;
      if (key === '') {
        report(hostPath, 'a host name cannot be empty');
        continue;
      }
      let expanded: ReturnType<typeof expandHostKey>;
      try {
        expanded = expandHostKey(key);
      } catch (error) {
        report(hostPath, (error as Error).message);
        continue;
      }
      for (const host of expanded.names) {
        builder.addHost(host, group, expanded.port);
        if (vars) for (const [k, v] of Object.entries(vars)) builder.setHostVar(host, k, v);
      }
    }
  }
}
