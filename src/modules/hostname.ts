import { quoteArg, quoteArgv } from '../shell/quote.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { hostnameParams } from './params/hostname.js';
import { failPlan, planOrFail } from './plans.js';
import { unifiedDiff } from './unified-diff.js';
import { tagged } from './user-names.js';

/** Parameters of `hostname`. */
export interface HostnameParams {
  readonly name: string;
  /** systemd: hostnamectl; undefined: as the host runs (Ansible's auto). */
  readonly use?: 'systemd';
}

/** Ansible's `use` values; debian means systemd there too. */
const ANSIBLE_STRATEGIES = ['alpine', 'debian', 'freebsd', 'generic', 'macos', 'macosx', 'darwin', 'openbsd', 'openrc', 'redhat', 'sles', 'solaris', 'systemd'];

/** Letters, digits, `-`, `_` and dots; no blanks or shell characters (it also goes into a file). */
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function normaliseHostname(raw: Readonly<Record<string, unknown>>): HostnameParams {
  const args = new ModuleArgs('hostname', raw, paramNames(hostnameParams));
  const name = args.requiredString('name');
  if (!HOST_NAME.test(name) || name.length > 253) {
    throw args.error(`'name' must be a host name (letters, digits, - _ and dots, up to 253 characters), not ${JSON.stringify(name)}`, 'name');
  }
  const use = args.string('use');
  if (use !== undefined && !ANSIBLE_STRATEGIES.includes(use)) throw args.error(`'use' must be one of ${ANSIBLE_STRATEGIES.join(', ')}, not '${use}'`, 'use');
  if (use !== undefined && use !== 'systemd' && use !== 'debian') {
    throw args.error(
      `use: '${use}' is not supported; tpx's hostname sets names with systemd (use: systemd or debian) or, without use, as the host runs`,
      'use',
    );
  }
  return { name, ...(use !== undefined ? { use: 'systemd' as const } : {}) };
}

/** Shell: true where Ansible takes a host for systemd-run (systemctl there, and systemd's own canaries). */
const SYSTEMD_BOOTED = 'command -v systemctl >/dev/null 2>&1 && { [ -e /run/systemd/system/ ] || [ -e /dev/.run/systemd/ ] || [ -e /dev/.systemd/ ]; }';

/**
 * The fact: the strategy Ansible would take (`strategy systemd` when systemctl is there and
 * systemd booted the host, as its service manager test says; else `strategy file`), the
 * distribution (`os ID ID_LIKE`), the names (systemd: `current`/`static` from hostnamectl;
 * file: /etc/hostname after a `file` line), and the fully qualified name as Python's getfqdn
 * finds it.
 */
export function hostnameFactCommand(p: HostnameParams): string {
  return [
    `if ${SYSTEMD_BOOTED}; then echo "strategy systemd"; else echo "strategy file"; fi`,
    `printf 'os %s\\n' "$(sed -n 's/^ID=//p; s/^ID_LIKE=//p' /etc/os-release 2>/dev/null | tr -d '"' | tr '\\n' ' ')"`,
    // From / and isolated (-I): a socket.py in the login directory (or tpx's, when local) is never imported as root.
    `printf 'fqdn %s\\n' "$(cd / && python3 -I -c 'import socket; print(socket.getfqdn())' 2>/dev/null || hostname -f 2>/dev/null || hostname)"`,
    p.use === 'systemd' ? 'true' : `if ${SYSTEMD_BOOTED}; then :; else echo file; [ -f /etc/hostname ] && cat /etc/hostname; exit 0; fi`,
    'f=$(mktemp) || exit 1',
    hostnamectlStatus('transient', 'current'),
    hostnamectlStatus('static', 'static'),
    'rm -f -- "$f"',
  ].join('\n');
}

/** `hostnamectl --WHICH status` printed as `TAG NAME`; a failure as Ansible words it, on stderr, after `hnfail`. */
function hostnamectlStatus(which: 'transient' | 'static', tag: string): string {
  return [
    `if o=$(hostnamectl --${which} status 2>"$f"); then printf '${tag} %s\\n' "$o"; else`,
    `  r=$?; e=$(cat -- "$f"); rm -f -- "$f"; echo hnfail; printf 'Command failed rc=%s, out=%s, err=%s\\n' "$r" "$o" "$e" >&2; exit 0`,
    'fi',
  ].join('\n');
}

/** What Ansible sets as facts for the new name. */
function hostnameFacts(name: string, fqdn: string): Record<string, unknown> {
  return { ansible_hostname: name.split('.')[0], ansible_nodename: name, ansible_fqdn: fqdn, ansible_domain: fqdn.split('.').slice(1).join('.') };
}

export function planHostname(p: HostnameParams, facts: FactResults, ctx: Pick<PlanContext, 'check' | 'diff'>): Plan {
  const out = facts.hostname.stdout;
  const strategy = p.use ?? tagged(out, 'strategy');
  const fqdn = tagged(out, 'fqdn') ?? '';
  let current: string;
  let permanent: string;
  const actions: Action[] = [];
  if (strategy === 'systemd') {
    const c = tagged(out, 'current');
    const s = tagged(out, 'static');
    if (out.split('\n').includes('hnfail')) return failPlan(facts.hostname.stderr);
    if (c === undefined || s === undefined)
      throw new Error(`could not read the host's names: ${facts.hostname.stderr.trim() || `exit code ${facts.hostname.rc}`}`);
    if (p.name.length > 64 && (c !== p.name || s !== p.name))
      return failPlan('name cannot be longer than 64 characters on systemd servers, try a shorter name');
    [current, permanent] = [c, s];
    if (s !== p.name) actions.push({ kind: 'exec', command: quoteArgv(['hostnamectl', '--pretty', '--static', 'set-hostname', p.name]) });
    if (c !== p.name) actions.push({ kind: 'exec', command: quoteArgv(['hostnamectl', '--transient', 'set-hostname', p.name]) });
  } else {
    const os = ` ${tagged(out, 'os') ?? ''} `;
    if (!/ (debian|ubuntu) /.test(os)) {
      return failPlan(
        `hostname: this host runs no systemd and is not of the Debian family (os-release:${os.trimEnd()}); tpx's hostname cannot set its name here`,
      );
    }
    const at = out.indexOf('\nfile\n');
    // Ansible reads /etc/hostname stripped; without systemd that is both the current and the permanent name.
    permanent = at < 0 ? '' : out.slice(at + 6).trim();
    current = permanent;
    if (permanent !== p.name) actions.push({ kind: 'exec', command: `printf '%s\\n' ${quoteArg(p.name)} > /etc/hostname` });
  }
  const changed = actions.length > 0;
  const before = p.name !== current ? current : permanent;
  return {
    changed,
    actions,
    returns: { name: p.name },
    facts: hostnameFacts(p.name, fqdn),
    ...(changed && ctx.diff ? { diff: unifiedDiff(`hostname = ${before}\n`, `hostname = ${p.name}\n`, { fromLabel: 'before', toLabel: 'after' }) } : {}),
  };
}

/**
 * `hostname`: reads the names and the way Ansible would set them (hostnamectl where systemd
 * booted the host, else /etc/hostname on Debian), then sets what differs.
 */
export const hostnameModule: ModuleDefinition<HostnameParams> = {
  name: 'hostname',
  params: hostnameParams,
  normalise: normaliseHostname,
  facts: (p, ctx) => [{ key: 'hostname', command: hostnameFactCommand(p), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planHostname(p, facts, ctx)),
};
