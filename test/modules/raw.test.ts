import { describe, expect, it } from 'vitest';
import { normaliseRaw, rawCommandLine, rawModule } from '../../src/modules/raw.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

describe('raw', () => {
  it.each([
    [{ _raw_params: 'echo hi | tr a-z A-Z' }, { cmd: 'echo hi | tr a-z A-Z' }, 'echo hi | tr a-z A-Z'],
    [{ _raw_params: 'echo $0', executable: '/bin/bash' }, { cmd: 'echo $0', executable: '/bin/bash' }, "exec /bin/bash -c 'echo $0'"],
    [{ _raw_params: 'executable=/bin/bash echo x=1' }, { cmd: 'echo x=1', executable: '/bin/bash' }, "exec /bin/bash -c 'echo x=1'"],
  ])('sends %j as it is (%j)', (args, params, line) => {
    const p = normaliseRaw(args);
    expect(p).toEqual(params);
    expect(rawCommandLine(p)).toBe(line);
  });

  it('needs a command and takes no other option', () => {
    expect(() => normaliseRaw({})).toThrow(/no command given/);
    expect(() => normaliseRaw({ _raw_params: 'ls', chdir: '/tmp' })).toThrow(/unsupported parameter 'chdir'/);
  });

  it('is always changed, fails on a non-zero rc and is skipped in check mode', async () => {
    const dir = makeTempDir();
    const ok = await runLocally(rawModule, { _raw_params: 'echo out; echo err >&2' }, makeContext(), dir);
    expect(ok.plan).toMatchObject({ changed: true, resultFromLastExec: true, skipInCheckMode: true });
    expect(ok.execs[0]).toMatchObject({ rc: 0, stdout: 'out\n', stderr: 'err\n' });
    const bad = await runLocally(rawModule, { _raw_params: 'exit 3' }, makeContext(), dir);
    expect(bad.execs[0].rc).toBe(3);
  });
});
