/** What `labUp` builds, as recorded in `<dir>/state.json`. */

/** One lab host: a network namespace plus a mount namespace held by its sshd. */
export interface LabHost {
  /** Inventory name, `mesh-01` … */
  readonly name: string;
  /** 1-based. */
  readonly index: number;
  /** `tpxlab-<labId>-<index>` */
  readonly netns: string;
  /** Loopback port of the bridge that reaches this host's sshd. */
  readonly port: number;
  /** Lab-network addresses (reachable from other lab hosts, e.g. through a jump host). */
  readonly ipv4: string;
  readonly ipv6: string;
  /** What the host was seeded with, as given on the command line (`2.9.2-nocomments`, `none`). */
  readonly seed: string;
  /** Kuma version installed on the host, or null for `none`. */
  readonly kumaVersion: string | null;
  /** True when the seeded install used comments disabled. */
  readonly commentsDisabled: boolean;
  /** PID of the host's `sshd -D` (listens on the lab addresses, port 22; holds the mount namespace). */
  readonly anchorPid: number;
  /** The host's own files (overlay upper dirs, /tmp). */
  readonly dir: string;
}

/** Everything `lab down`, `lab status` and tests need. */
export interface LabState {
  readonly format: 1;
  readonly labId: string;
  readonly dir: string;
  readonly createdAt: string;
  /** `building` until `labUp` finished. */
  readonly phase: 'building' | 'ready';
  readonly switchNetns: string;
  readonly bridgePid: number | null;
  /** Unix socket of the bridge, for fault hooks. */
  readonly controlSocket: string;
  /** Key-only login user with passwordless sudo. */
  readonly user: string;
  /** Login user whose sudo needs `password`. */
  readonly passwordUser: string;
  readonly password: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  readonly inventoryFile: string;
  readonly sshdConfig: string;
  /** `stand-in` or the path of a real kumactl. */
  readonly kumactl: string;
  /** The nameserver every host's /etc/resolv.conf names (on the lab network; nothing answers). */
  readonly nameserver: string;
  readonly hosts: readonly LabHost[];
}

/** Options of `labUp`. */
export interface LabUpOptions {
  /** Where the lab keeps its files; must not be under /tmp, /etc, /opt, /var/lib, /home or /run. */
  readonly dir: string;
  /** Default 6. */
  readonly hosts?: number;
  /** Seeds, round-robin over hosts: `2.8.3`, `2.9.2-nocomments`, `none`. Default `2.8.3`. */
  readonly versions?: readonly string[];
  /** Path of a real kumactl to use instead of the stand-in. */
  readonly kumactl?: string;
  /** Short id used in namespace names; default random. */
  readonly labId?: string;
  /** First port (host n listens on base+n-1); default: ports chosen by the kernel. */
  readonly basePort?: number;
  /** Replace an existing lab in `dir`. */
  readonly force?: boolean;
  /** Versions to build release archives for, in `<dir>/packages/kuma-<version>.tar.gz`. */
  readonly packages?: readonly string[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/**
 * A connection fault the bridge plays for one host; null clears it. `delay`: every connection
 * made while it is set gets `ms` of round-trip time added for its whole life (`ms / 2` each
 * way, bytes kept in order), like a distant host; other hosts are not slowed.
 */
export type LabFault =
  | { readonly kind: 'refuse' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop'; readonly afterMs: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | null;
