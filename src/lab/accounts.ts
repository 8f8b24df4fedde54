import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from './run-process.js';

/** The lab's login users and the kuma-dp user, as written into the lab's /etc layer. */
export interface LabAccounts {
  readonly user: string;
  readonly passwordUser: string;
  readonly password: string;
  readonly uids: Readonly<Record<string, number>>;
}

/** kumactl's default kuma-dp uid. */
export const KUMA_DP_UID = 5678;

/**
 * Writes the lab-wide /etc layer (passwd, shadow, group, gshadow, sudoers.d, resolv.conf) and
 * the /home layer. Each host's mount namespace lays them over the real /etc and /home, so the
 * lab users exist only inside the lab: nothing on the machine itself changes.
 */
export async function writeAccountLayers(etcLayer: string, homeLayer: string, nameserver: string): Promise<LabAccounts> {
  const [passwd, shadow, group, gshadow] = await Promise.all(
    ['passwd', 'shadow', 'group', 'gshadow'].map((f) => readFile(join('/etc', f), 'utf8').catch(() => '')),
  );
  const taken = new Set([...parseIds(passwd), ...parseIds(group)]);
  const names = new Set(passwd.split('\n').map((l) => l.split(':')[0]));
  const freeId = (): number => {
    let id = 2900;
    while (taken.has(id)) id++;
    taken.add(id);
    return id;
  };
  const password = randomBytes(12).toString('base64url');
  const hash = (await runChecked('openssl', ['passwd', '-6', '-stdin'], { input: password + '\n' })).trim();
  const users: { name: string; uid: number; home: string; shell: string; hash: string }[] = [
    { name: 'tpx', uid: freeId(), home: '/home/tpx', shell: '/bin/bash', hash: '*' },
    { name: 'tpxpw', uid: freeId(), home: '/home/tpxpw', shell: '/bin/bash', hash },
  ];
  if (!names.has('kuma-dp') && !parseIds(passwd).includes(KUMA_DP_UID)) {
    users.push({ name: 'kuma-dp', uid: KUMA_DP_UID, home: '/nonexistent', shell: '/usr/sbin/nologin', hash: '!' });
  }
  const end = (s: string): string => (s === '' || s.endsWith('\n') ? s : s + '\n');
  const days = Math.floor(Date.now() / 86_400_000);
  await mkdir(join(etcLayer, 'sudoers.d'), { recursive: true });
  await writeFile(join(etcLayer, 'passwd'), end(passwd) + users.map((u) => `${u.name}:x:${u.uid}:${u.uid}::${u.home}:${u.shell}\n`).join(''));
  await writeFile(join(etcLayer, 'group'), end(group) + users.map((u) => `${u.name}:x:${u.uid}:\n`).join(''));
  await writeFile(join(etcLayer, 'shadow'), end(shadow) + users.map((u) => `${u.name}:${u.hash}:${days}:0:99999:7:::\n`).join(''), { mode: 0o640 });
  await writeFile(join(etcLayer, 'gshadow'), end(gshadow) + users.map((u) => `${u.name}:!::\n`).join(''), { mode: 0o640 });
  await chownToShadowGroup([join(etcLayer, 'shadow'), join(etcLayer, 'gshadow')], group);
  const sudoers = join(etcLayer, 'sudoers.d', 'tpx-lab');
  await writeFile(
    sudoers,
    ['# tpx lab users', 'tpx ALL=(ALL:ALL) NOPASSWD: ALL', 'Defaults:tpxpw timestamp_timeout=0, !lecture', 'tpxpw ALL=(ALL:ALL) ALL', ''].join('\n'),
    { mode: 0o440 },
  );
  await runChecked('visudo', ['-cf', sudoers]);
  // Nothing answers DNS on the lab network (and Kuma's DNS redirection catches it anyway): fail fast.
  await writeFile(join(etcLayer, 'resolv.conf'), `# tpx lab: nothing answers here\nnameserver ${nameserver}\noptions timeout:1 attempts:1\n`);
  for (const u of users.filter((x) => x.home.startsWith('/home/'))) {
    const home = join(homeLayer, u.name);
    await mkdir(home, { recursive: true });
    await chown(home, u.uid, u.uid);
    await chmod(home, 0o755);
  }
  return { user: 'tpx', passwordUser: 'tpxpw', password, uids: Object.fromEntries(users.map((u) => [u.name, u.uid])) };
}

function parseIds(file: string): number[] {
  return file
    .split('\n')
    .map((l) => Number(l.split(':')[2]))
    .filter((n) => Number.isInteger(n));
}

async function chownToShadowGroup(files: readonly string[], group: string): Promise<void> {
  const gid = Number(
    group
      .split('\n')
      .find((l) => l.startsWith('shadow:'))
      ?.split(':')[2],
  );
  if (!Number.isInteger(gid)) return;
  for (const f of files) await chown(f, 0, gid);
}

/** The lab's /etc/hosts: the machine's, plus every lab host by name (sudo resolves its own host name). */
export async function writeHostsFile(etcLayer: string, hosts: readonly { name: string; ipv4: string; ipv6: string }[]): Promise<void> {
  const base = await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1 localhost\n::1 localhost\n');
  const lines = hosts.flatMap((h) => [`${h.ipv4} ${h.name}`, `${h.ipv6} ${h.name}`]);
  await writeFile(join(etcLayer, 'hosts'), `${base.endsWith('\n') ? base : base + '\n'}# tpx lab hosts\n${lines.join('\n')}\n`);
}
