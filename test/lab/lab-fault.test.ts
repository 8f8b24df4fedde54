import { describe, expect, it, vi } from 'vitest';
import type { HostIo } from '../../src/lab/kumactl/host-io.js';
import { INSTALL_FAULT_FILE, playSlowness, takeInstallFault } from '../../src/lab/kumactl/lab-fault.js';

/** A HostIo with one file, enough for the fault hook. */
function ioWith(text: string | null): { io: HostIo; removed: () => boolean } {
  let content = text;
  let removed = false;
  const io = {
    readFile: async (p: string) => (p === INSTALL_FAULT_FILE ? content : null),
    remove: async () => {
      removed = true;
      content = null;
    },
  } as unknown as HostIo;
  return { io, removed: () => removed };
}

describe('the stand-in install fault hook', () => {
  it.each([
    ['fail', 'fail', true],
    ['hang persist', 'hang', false],
    ['fail-after-cleanup\n', 'fail-after-cleanup', true],
    ['slow 2', { slowSeconds: 2 }, true],
    ['slow 0.5 persist', { slowSeconds: 0.5 }, false],
    ['slow x', null, true],
    ['bogus', null, true],
  ])('%j', async (text, fault, consumed) => {
    const f = ioWith(text);
    expect(await takeInstallFault(f.io)).toEqual(fault);
    expect(f.removed()).toBe(consumed);
  });

  it('no file: no fault; slow N waits N seconds, the others not at all', async () => {
    expect(await takeInstallFault(ioWith(null).io)).toBeNull();
    vi.useFakeTimers();
    try {
      let slept = false;
      const slow = playSlowness({ slowSeconds: 0.2 }).then(() => (slept = true));
      await vi.advanceTimersByTimeAsync(199);
      expect(slept).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await slow;
      expect(slept).toBe(true);
      // No timer at all for the others: they resolve while the clock stands still.
      await playSlowness('fail');
      await playSlowness(null);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
