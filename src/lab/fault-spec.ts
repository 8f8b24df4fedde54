import type { LabFault } from './types.js';

/** What `tpx lab fault HOST KIND [N]` sets: a connection fault in the bridge, or the stand-in kumactl's next install. */
export type FaultSpec =
  | { readonly target: 'connection'; readonly fault: LabFault; readonly says: string }
  | { readonly target: 'install'; readonly line: string | null; readonly says: string };

/** The kinds, as `tpx lab fault --help` lists them. */
export const FAULT_KINDS = [
  'refuse            connections to the host are refused',
  'hang              connections are accepted and never answered',
  'drop MS           connections are reset MS milliseconds after they were accepted',
  'delay MS          MS of round-trip time on every new connection',
  'clear             connections work again',
  'install-fail      the next `kumactl install transparent-proxy` fails before changing anything',
  'install-fail-after-cleanup   2.9+: it removes the old rules, then fails',
  'install-hang      the next install never ends (until killed)',
  'install-slow N    the next install waits N seconds half-way',
  'install-clear     no install fault',
] as const;

/**
 * Reads `KIND [N]` (and `--persist`, for install faults: every install, not only the next):
 * throws an Error saying what is wrong and which kinds there are.
 */
export function parseFaultSpec(kind: string, arg: string | undefined, persist: boolean): FaultSpec {
  const number = (what: string): number => {
    const n = Number(arg);
    if (arg === undefined || !/^\d+$/.test(arg) || n <= 0) throw new Error(`${kind} needs ${what} as a whole number above 0, e.g. \`${kind} 500\``);
    return n;
  };
  const noArg = (): void => {
    if (arg !== undefined) throw new Error(`${kind} takes no number (got "${arg}")`);
  };
  const persistent = persist ? ' persist' : '';
  const again = persist ? 'every install' : 'the next install';
  switch (kind) {
    case 'refuse':
    case 'hang':
      noArg();
      return { target: 'connection', fault: { kind }, says: kind === 'refuse' ? 'connections refused' : 'connections hang' };
    case 'drop': {
      const afterMs = number('the milliseconds after which a connection is reset');
      return { target: 'connection', fault: { kind: 'drop', afterMs }, says: `connections reset ${afterMs} ms after they are accepted` };
    }
    case 'delay': {
      const ms = number('the round-trip time to add, in milliseconds');
      return { target: 'connection', fault: { kind: 'delay', ms }, says: `${ms} ms of round-trip time on new connections` };
    }
    case 'clear':
      noArg();
      return { target: 'connection', fault: null, says: 'connections work normally' };
    case 'install-fail':
    case 'install-fail-after-cleanup':
    case 'install-hang':
      noArg();
      return { target: 'install', line: `${kind.slice('install-'.length)}${persistent}`, says: `${again} ${kind === 'install-hang' ? 'hangs' : 'fails'}` };
    case 'install-slow': {
      const seconds = number('the seconds the install waits');
      return { target: 'install', line: `slow ${seconds}${persistent}`, says: `${again} waits ${seconds} s half-way` };
    }
    case 'install-clear':
      noArg();
      return { target: 'install', line: null, says: 'installs work normally' };
    default:
      throw new Error(`unknown fault "${kind}"; one of:\n  ${FAULT_KINDS.join('\n  ')}`);
  }
}
