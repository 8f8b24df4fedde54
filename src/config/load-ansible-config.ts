import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error.js';
import { type PathContext, resolveConfigPath, toBoolean, toPathList, toPathSpec, toPositiveInteger, toText } from './config-values.js';
import { type ConfigSearch, findAnsibleCfg } from './find-ansible-cfg.js';
import { DEFAULT_SECTION, type IniDocument, type IniEntry, iniEntry, readIni } from './read-ini.js';

/**
 * The settings of `ansible.cfg` that tpx reads, typed; each absent when neither its
 * environment variable nor the file sets it (tpx's own default applies then). Paths are absolute.
 */
export interface AnsibleSettings {
  /** `[defaults] inventory`: used when no `-i` is given. */
  readonly inventory?: readonly string[];
  /** `[defaults] remote_user`: the login user below every variable and the `remote_user` keyword. */
  readonly remoteUser?: string;
  readonly privateKeyFile?: string;
  /** `[defaults] roles_path`: where roles are looked for after the playbook's roles/. */
  readonly rolesPath?: readonly string[];
  /** `[defaults] forks`: the default of `-f`. */
  readonly forks?: number;
  readonly hostKeyChecking?: boolean;
  /** `[defaults] timeout`: the SSH connect timeout, seconds. */
  readonly timeout?: number;
  readonly become?: boolean;
  readonly becomeUser?: string;
  /** `[privilege_escalation] become_ask_pass`: as `-K`. */
  readonly becomeAskPass?: boolean;
}

export interface AnsibleConfig {
  /** The config file read; undefined when none was found. */
  readonly file?: string;
  /** The places looked at for it, in order. */
  readonly looked: readonly string[];
  readonly settings: AnsibleSettings;
  /** The file's keys tpx does not read, as `[section] key`, in file order. */
  readonly ignored: readonly string[];
  /** What the search refused (a world-writable current directory, an ANSIBLE_CONFIG naming nothing). */
  readonly warnings: readonly string[];
}

type Kind = 'pathlist' | 'pathspec' | 'path' | 'text' | 'count' | 'boolean';

interface Definition {
  readonly section: 'defaults' | 'privilege_escalation';
  readonly key: string;
  readonly env: string;
  readonly kind: Kind;
}

/** The keys read, with the section, environment variable and type Ansible's config/base.yml gives them. */
const DEFINITIONS = {
  inventory: { section: 'defaults', key: 'inventory', env: 'ANSIBLE_INVENTORY', kind: 'pathlist' },
  remoteUser: { section: 'defaults', key: 'remote_user', env: 'ANSIBLE_REMOTE_USER', kind: 'text' },
  privateKeyFile: { section: 'defaults', key: 'private_key_file', env: 'ANSIBLE_PRIVATE_KEY_FILE', kind: 'path' },
  rolesPath: { section: 'defaults', key: 'roles_path', env: 'ANSIBLE_ROLES_PATH', kind: 'pathspec' },
  forks: { section: 'defaults', key: 'forks', env: 'ANSIBLE_FORKS', kind: 'count' },
  hostKeyChecking: { section: 'defaults', key: 'host_key_checking', env: 'ANSIBLE_HOST_KEY_CHECKING', kind: 'boolean' },
  timeout: { section: 'defaults', key: 'timeout', env: 'ANSIBLE_TIMEOUT', kind: 'count' },
  become: { section: 'privilege_escalation', key: 'become', env: 'ANSIBLE_BECOME', kind: 'boolean' },
  becomeUser: { section: 'privilege_escalation', key: 'become_user', env: 'ANSIBLE_BECOME_USER', kind: 'text' },
  becomeAskPass: { section: 'privilege_escalation', key: 'become_ask_pass', env: 'ANSIBLE_BECOME_ASK_PASS', kind: 'boolean' },
} as const satisfies Record<keyof AnsibleSettings, Definition>;

/** Read only to refuse what tpx cannot do. */
const BECOME_METHOD: Definition = { section: 'privilege_escalation', key: 'become_method', env: 'ANSIBLE_BECOME_METHOD', kind: 'text' };

/**
 * Finds and reads `ansible.cfg` as Ansible does (find-ansible-cfg.ts) and returns the settings
 * tpx uses. An `ANSIBLE_*` environment variable wins over the file's key (a variable set to the
 * empty string counts as unset); command-line options win over both (the CLI applies them).
 * Relative paths in the file start from the file's directory, in a variable from `search.cwd`.
 * Throws ConfigError for a file configparser would refuse, a value of the wrong type
 * (`FILE:LINE: forks: …` or `ANSIBLE_FORKS: …`), and a `become_method` other than sudo.
 */
export function loadAnsibleConfig(search: ConfigSearch): AnsibleConfig {
  const found = findAnsibleCfg(search);
  const doc = found.file === undefined ? undefined : readIni(readUtf8(found.file), found.file);
  const used = new Set<IniEntry>();
  const read = (def: Definition): unknown => {
    const fromEnv = search.env[def.env];
    const entry = doc && iniEntry(doc, def.section, def.key);
    if (entry) used.add(entry);
    if (fromEnv !== undefined && fromEnv !== '') return typed(def, fromEnv, def.env, { base: search.cwd, home: search.home, env: search.env });
    if (!doc || !entry) return undefined;
    return typed(def, entry.value, `${doc.file}:${entry.line}`, { base: dirname(doc.file), home: search.home, env: search.env });
  };
  const settings: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(DEFINITIONS)) {
    const value = read(def);
    if (value !== undefined) settings[name] = value;
  }
  const method = read(BECOME_METHOD);
  if (method !== undefined && method !== 'sudo') {
    const entry = doc && iniEntry(doc, BECOME_METHOD.section, BECOME_METHOD.key);
    const where = search.env[BECOME_METHOD.env] ? BECOME_METHOD.env : `${doc?.file}:${entry?.line}`;
    throw new ConfigError(where, `become_method = ${String(method)}: tpx supports only sudo`);
  }
  return {
    file: found.file,
    looked: found.looked,
    settings: settings as AnsibleSettings,
    ignored: doc ? ignoredKeys(doc, used) : [],
    warnings: found.warnings,
  };
}

/**
 * The value of one setting, typed; undefined for an empty text or path. `where` names the
 * source for the error: `FILE:LINE` or the environment variable.
 */
function typed(def: Definition, text: string, where: string, ctx: PathContext): unknown {
  const bad = (expected: string): never => {
    throw new ConfigError(where, `${def.key}: must be ${expected}, got ${JSON.stringify(text)}`);
  };
  switch (def.kind) {
    case 'count':
      return toPositiveInteger(text) ?? bad('a whole number of at least 1');
    case 'boolean':
      return toBoolean(text) ?? bad('true or false (yes/no, on/off, 1/0)');
    case 'text':
      return toText(text) || undefined;
    case 'path':
      return text === '' ? undefined : resolveConfigPath(text, ctx);
    case 'pathlist': {
      const list = toPathList(text, ctx);
      return list.length > 0 ? list : undefined;
    }
    case 'pathspec': {
      const list = toPathSpec(text, ctx);
      return list.length > 0 ? list : undefined;
    }
  }
}

/** Every key of the file that no setting read, `[section] key`, sections in file order and `[DEFAULT]` last. */
function ignoredKeys(doc: IniDocument, used: ReadonlySet<IniEntry>): string[] {
  const out: string[] = [];
  for (const [section, entries] of [...doc.sections, [DEFAULT_SECTION, doc.defaults] as const]) {
    for (const [key, entry] of entries) if (!used.has(entry)) out.push(`[${section}] ${key}`);
  }
  return out;
}

function readUtf8(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConfigError(file, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(file, 'is not UTF-8 text (Ansible reads its config as UTF-8)');
  }
}
