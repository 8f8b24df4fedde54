// Summarises a V8 .cpuprofile (node --cpu-prof): self time by where the code lives, and the
// functions with the most self time.

const AREAS = [
  [/node_modules\/ssh2\//, 'ssh2 (protocol, packets, crypto calls)'],
  [/node:internal\/crypto|node:crypto/, 'node crypto'],
  [/node_modules\/(listr2|log-update|cli-|wrap-ansi|string-width|eventemitter3|rfdc|colorette)/, 'listr2 and its helpers'],
  [/node_modules\/nunjucks\//, 'nunjucks'],
  [/node_modules\/yaml\//, 'yaml'],
  [/node_modules\/(ajv|fast-deep-equal|fast-uri|json-schema-traverse)/, 'ajv'],
  [/node_modules\/commander\//, 'commander'],
  [/node_modules\//, 'other packages'],
  [/\/dist\/template\//, 'tpx template'],
  [/\/dist\/engine\//, 'tpx engine'],
  [/\/dist\/reporters\//, 'tpx reporters'],
  [/\/dist\/transport\//, 'tpx transport'],
  [/\/dist\/modules\//, 'tpx modules'],
  [/\/dist\/(playbook|inventory|schema)\//, 'tpx loading (playbook, inventory, schema)'],
  [/\/dist\/cli\//, 'tpx cli'],
  [/\/dist\//, 'tpx other'],
  [/\/bench\//, 'bench hook (count-channels)'],
  [/node:internal\/(modules|vm)|node:internal\/process\/esm/, 'node module loading'],
  [/node:internal\/(streams|stream_base|net|tty|fs)|node:(net|stream|fs)/, 'node streams, net, fs'],
  [/^node:|^internal\//, 'node other'],
];

function areaOf(node) {
  const { functionName, url } = node.callFrame;
  if (!url) {
    if (functionName === '(idle)') return 'idle (waiting for the network)';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  for (const [re, name] of AREAS) if (re.test(url)) return name;
  return 'other';
}

/** Self time (ms) per node id, from samples and time deltas. */
function selfTimes(profile) {
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  return self;
}

/** A printable summary: total, busy vs idle, areas by self time, top functions. */
export function summariseCpuProfile(profile, top = 15) {
  const self = selfTimes(profile);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map();
  const fns = new Map();
  const callers = new Map();
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let total = 0;
  for (const [id, ms] of self) {
    const node = nodes.get(id);
    total += ms;
    const area = areaOf(node);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const cf = node.callFrame;
    const key = `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${cf.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
    // The first caller outside node's internals: who asked for this work.
    let p = parent.get(id);
    while (p !== undefined && /^node:|^$/.test(nodes.get(p).callFrame.url)) p = parent.get(p);
    if (p !== undefined) {
      const c = nodes.get(p).callFrame;
      const by = callers.get(key) ?? new Map();
      const ck = `${c.functionName || '(anonymous)'} ${c.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${c.lineNumber + 1}`;
      by.set(ck, (by.get(ck) ?? 0) + ms);
      callers.set(key, by);
    }
  }
  const idle = areas.get('idle (waiting for the network)') ?? 0;
  const busy = total - idle;
  const lines = [
    `CPU profile: ${(total / 1000).toFixed(2)} s sampled, ${(busy / 1000).toFixed(2)} s on the CPU (main thread), ${(idle / 1000).toFixed(2)} s idle`,
  ];
  lines.push('  self time by area (share of on-CPU time):');
  for (const [area, ms] of [...areas]
    .filter(([a]) => !a.startsWith('idle'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 16)) {
    lines.push(`    ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${area}`);
  }
  lines.push(`  top ${top} functions by self time:`);
  for (const [fn, ms] of [...fns]
    .filter(([f]) => !f.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    const by = [...(callers.get(fn) ?? new Map())].sort((a, b) => b[1] - a[1])[0];
    lines.push(`    ${ms.toFixed(0).padStart(6)} ms  ${fn}${by ? `   ← ${by[0]}` : ''}`);
  }
  return lines.join('\n');
}
