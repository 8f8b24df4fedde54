import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TpxError } from '../../src/errors/tpx-error.js';

afterEach(() => vi.restoreAllMocks());

/** Runs main() and returns what it wrote to stderr. */
async function stderrOf(argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  const code = await main(argv);
  return { code, text };
}

describe('main: the final error line', () => {
  it('shows control characters in an error message escaped, not acted on by the terminal', async () => {
    // A connection error carries what the host said; a command's own error stands in for it here.
    vi.doMock('../../src/cli/commands/validate.js', () => ({
      validateCommand: async () => {
        throw new TpxError('connection', 'mesh-01: server said \u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J');
      },
    }));
    const { code, text } = await stderrOf(['validate', 'p.yaml']);
    vi.doUnmock('../../src/cli/commands/validate.js');
    expect(code).toBe(1);
    expect(text).toBe('tpx: mesh-01: server said \\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\n');
  });
});
