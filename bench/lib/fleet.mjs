// The benchmark's lab fleet: bring it up, reseed every host to the same starting state
// (untimed), and check that every host ended upgraded. Uses the built lab (dist/lab).
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

const lab = await import(join(ROOT, 'dist', 'lab', 'index.js'));
const { seedHost } = await import(join(ROOT, 'dist', 'lab', 'seed-rules.js'));

/** The seeds of the issue: mixed versions, comments disabled, no Kuma, already at the target. */
export const SEEDS = ['2.7.4', '2.8.3', '2.9.2', '2.9.2-nocomments', 'none', '2.10.1'];
export const TARGET = '2.10.1';

/** The options the playbook passes to tproxy.sh for the target (defaults of playbooks/upgrade.yaml). */
export const TPROXY_OPTS = [
  '--kumactl',
  `/opt/kuma/${TARGET}/bin/kumactl`,
  '--version',
  TARGET,
  '--args',
  '--kuma-dp-user kuma-dp --redirect-dns --verbose',
  '--flush-mode',
  'kuma',
  '--backup-dir',
  '/var/lib/tpx/backups',
  '--state-dir',
  '/var/lib/tpx/tproxy',
  '--timeout',
  '120',
  '--dns',
  'yes',
  '--marker',
  'yes',
];

const TPROXY = readFileSync(join(ROOT, 'playbooks', 'files', 'tproxy.sh'), 'utf8');

/** `sh` quoting. */
export function quote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/** Brings a lab of `hosts` up in `dir`, seeded round-robin with `seeds`; returns its state. */
export async function upFleet(dir, hosts, log, seeds = SEEDS) {
  return lab.labUp({ dir, hosts, versions: seeds, packages: [TARGET], log });
}

/** Sets (or with null clears) a bridge fault on every host, e.g. `{ kind: 'delay', ms: 50 }`. */
export async function setFleetFault(state, fault) {
  await forEach(state.hosts, 16, (h) => lab.setLabFault(state.dir, h.name, fault));
}

/** Takes the lab in `dir` down (idempotent). */
export async function downFleet(dir) {
  return lab.labDown(dir);
}

const ROOT_NETNS = readlinkSync('/proc/self/ns/net');

/** Refuses unless the host's sshd lives in the host's own namespace (never the machine's). */
function assertHostNetns(host) {
  const want = `net:[${statSync(`/run/netns/${host.netns}`).ino}]`;
  const have = readlinkSync(`/proc/${host.anchorPid}/ns/net`);
  if (have !== want || have === ROOT_NETNS) throw new Error(`${host.name}: pid ${host.anchorPid} is not in ${host.netns}; refusing to touch its rules`);
}

/** Runs `script` as root inside the host (after the namespace check), failing on a non-zero exit. */
async function run(state, host, script, input) {
  assertHostNetns(host);
  const guarded = `[ "$(readlink /proc/self/ns/net)" != ${quote(ROOT_NETNS)} ] || { echo 'in the root netns' >&2; exit 99; }\n${script}`;
  const r = await lab.hostExec(state, host, guarded, { input, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${host.name}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** What makes a host's starting state: its rules (both families, no counters) and its files. */
const FINGERPRINT = [
  "for s in iptables-save ip6tables-save; do $s | grep -v '^#' | sed 's/ \\[[0-9]*:[0-9]*\\]$//'; done",
  'find /opt/kuma /var/lib/tpx /tmp /home/tpx -mindepth 1 2>/dev/null | sort',
].join('\n');

/**
 * Puts the target's kumactl on every host from the package (`--target-present`: hosts that
 * need no unpack). Untimed, like reseeding; part of the starting state.
 */
export async function placeTarget(state, packageFile, limit = 8) {
  const pkg = readFileSync(packageFile).toString('base64');
  await forEach(state.hosts, limit, (h) =>
    run(state, h, `mkdir -p /opt/kuma/${TARGET} && base64 -d | tar -xzf - -C /opt/kuma/${TARGET} --strip-components=1`, pkg),
  );
}

/** A hash per host of its starting state; reseeding must reproduce it exactly. */
export async function fingerprintFleet(state, limit = 8) {
  const out = {};
  await forEach(state.hosts, limit, async (h) => {
    out[h.name] = createHash('sha256')
      .update(await run(state, h, FINGERPRINT))
      .digest('hex')
      .slice(0, 16);
  });
  return out;
}

/**
 * Puts every host back where `lab up` left it: all rules gone (nft flush ruleset, inside the
 * host's namespace only), tpx's and Ansible's files removed, kumactl versions other than the
 * seeded one removed, then the lab's own seeding again (and the target's kumactl when
 * `packageFile` is given: placeTarget). Checked against `baseline`.
 */
export async function reseedFleet(state, baseline, { packageFile, limit = 8 } = {}) {
  await forEach(state.hosts, limit, async (h) => {
    const keep = h.kumaVersion ?? '';
    await run(
      state,
      h,
      [
        'set -e',
        'nft flush ruleset',
        'rm -rf /var/lib/tpx/* /tmp/* /tmp/.[!.]* /home/tpx/.ansible /home/tpx/.tpx* /root/.ansible',
        `for d in /opt/kuma/*; do [ -e "$d" ] || continue; [ "\${d##*/}" = ${quote(keep)} ] || rm -rf "$d"; done`,
      ].join('\n'),
    );
    await seedHost(state, h);
  });
  if (packageFile) await placeTarget(state, packageFile, limit);
  const now = await fingerprintFleet(state, limit);
  const differ = Object.keys(baseline).filter((n) => baseline[n] !== now[n]);
  if (differ.length > 0) throw new Error(`reseeding did not reproduce the starting state of ${differ.join(', ')}`);
}

/** Writes tproxy.sh (stdin) to /run on the host: the checks below use its rule filters. */
const HELPER = 'H=/run/tpx-bench-tproxy.sh; cat > "$H"';

/** Families kumactl installs on the host: IPv6 too when it has a non-loopback IPv6 address. */
const FAMILIES = "fams=ipv4; awk '$6 != \"lo\" { f = 1 } END { exit !f }' /proc/net/if_inet6 2>/dev/null && fams='ipv4 ipv6'";

/** Prints what tproxy.sh calls the rules and chains that are not Kuma's, both families. */
const FOREIGN =
  'for s in iptables-save ip6tables-save; do echo "== $s"; $s > /run/tpx-bench-rules && sh "$H" foreign-lines /run/tpx-bench-rules </dev/null || exit 1; done';

/**
 * Per host, the rules and chains that are not Kuma's (both families), as tproxy.sh tells them
 * apart: after the upgrade they must be the same, in the same order (checkUpgraded).
 */
export async function foreignFleet(state, limit = 8) {
  const out = {};
  await forEach(state.hosts, limit, async (h) => {
    out[h.name] = await run(state, h, `${HELPER}\n${FOREIGN}`, TPROXY);
  });
  return out;
}

/**
 * Checks every host ended upgraded. By its rules, for every contender: in each family the
 * target installs, Kuma's four chains, the hooks, the marker on every Kuma rule and the DNS
 * redirect (tproxy.sh check-rules); the rules that are not Kuma's exactly as in `foreign`
 * (foreignFleet, before the run); the target kumactl runs; KUMA_MESH_OUTBOUND exists. With
 * `records` (contenders that leave tproxy.sh's state: tpx, ansible, floor), also tproxy.sh's
 * own verify (the rules are what it recorded) and the recorded version is the target. The
 * minimal contender records nothing and is checked by its rules alone. Returns the names of
 * the hosts that are not upgraded, each with the first thing wrong.
 */
export async function checkUpgraded(state, { records = true, foreign } = {}, limit = 8) {
  const bad = [];
  const args = TPROXY_OPTS.map(quote).join(' ');
  const ruleArgs = ['--args', '--kuma-dp-user kuma-dp --redirect-dns --verbose', '--dns', 'yes', '--marker', 'yes'].map(quote).join(' ');
  await forEach(state.hosts, limit, async (h) => {
    try {
      const lines = [
        HELPER,
        FAMILIES,
        'for fam in $fams; do',
        '  if [ $fam = ipv4 ]; then iptables-save; else ip6tables-save; fi > /run/tpx-bench-rules || exit 1',
        `  out=$(sh "$H" check-rules $fam /run/tpx-bench-rules ${ruleArgs} </dev/null 2>&1) || { echo "check-rules: $out" >&2; exit 1; }`,
        'done',
        `v=$(/opt/kuma/${TARGET}/bin/kumactl version 2>&1); case "$v" in *${TARGET}*) ;; *) echo "kumactl version: $v" >&2; exit 1 ;; esac`,
        "iptables-save | grep -q '^:KUMA_MESH_OUTBOUND ' || { echo 'no KUMA_MESH_OUTBOUND chain' >&2; exit 1; }",
      ];
      if (records) {
        lines.push(
          `out=$(sh "$H" verify ${args} </dev/null 2>&1) || { echo "tproxy.sh verify: $out" >&2; exit 1; }`,
          `grep -qx 'version=${TARGET}' /var/lib/tpx/tproxy/state || { echo "recorded: $(grep version= /var/lib/tpx/tproxy/state)" >&2; exit 1; }`,
        );
      }
      if (foreign) lines.push(FOREIGN);
      const out = await run(state, h, lines.join('\n'), TPROXY);
      if (foreign && out !== foreign[h.name]) throw new Error("rules that are not Kuma's changed");
    } catch (error) {
      bad.push(`${h.name} (${h.seed}): ${String(error.message).split('\n')[0]}`);
    }
  });
  return bad.sort();
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEach(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
