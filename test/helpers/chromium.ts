/**
 * Headless Chromium for tests that check what a page DRAWS. Chromium runs in a network
 * namespace of its own (no interface but a loopback that is down: it cannot reach anything),
 * with a fresh profile that is removed afterwards, its HOME and caches inside that profile, and
 * a time limit; on timeout only the process group it was started in is killed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's package (`apt-get install chromium`), as .ci/run installs it. */
const CHROMIUM = 'chromium';

const works = (command: string, args: readonly string[]): boolean => spawnSync(command, [...args], { stdio: 'ignore', timeout: 30_000 }).status === 0;

/** Why headless Chromium cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
  if (!works('sh', ['-c', `command -v ${CHROMIUM}`])) return `${CHROMIUM} is not installed (apt-get install --no-install-recommends chromium)`;
  if (!works('unshare', [...namespaceArgs(), 'true'])) return 'unshare cannot make a network namespace here (it needs root or user namespaces)';
  return null;
}

/** As root a plain network namespace; otherwise one inside a user namespace of our own. */
function namespaceArgs(): string[] {
  return process.getuid?.() === 0 ? ['--net', '--'] : ['--map-root-user', '--net', '--'];
}

export interface ChromiumResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `chromium --headless=new … ARGS` without network, pixels 1:1 and colours as written
 * (sRGB), then removes its profile. Rejects when it outlives `timeoutMs`.
 */
export function runHeadlessChromium(args: readonly string[], timeoutMs = 60_000): Promise<ChromiumResult> {
  const profile = mkdtempSync(join(tmpdir(), 'tpx-chromium-profile-'));
  const argv = [
    ...namespaceArgs(),
    CHROMIUM,
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--no-pings',
    '--disable-extensions',
    '--disable-features=Translate,MediaRouter,OptimizationHints',
    `--user-data-dir=${profile}`,
    '--force-device-scale-factor=1',
    '--force-color-profile=srgb',
    '--hide-scrollbars',
    ...args,
  ];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: profile,
    XDG_CONFIG_HOME: join(profile, 'config'),
    XDG_CACHE_HOME: join(profile, 'cache'),
    LANG: 'C.UTF-8',
  };
  return new Promise((resolve, reject) => {
    // Its own process group: on timeout that group, and nothing else, is killed.
    const child = spawn('unshare', argv, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    let settled = false;
    const done = (error: Error | null, code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Helpers chromium left in its group (none, normally) go with it.
      killGroup();
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(error);
      else if (timedOut) reject(new Error(`chromium did not finish within ${timeoutMs} ms; stderr:\n${stderr.slice(-2000)}`));
      else resolve({ code, stdout, stderr });
    };
    child.on('error', (error) => done(error, null));
    child.on('close', (code) => done(null, code));
  });
}
