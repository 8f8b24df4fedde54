import { Writable } from 'node:stream';

/** A Writable that records what was written; `isTTY`, `columns` and `rows` as a terminal would have them. */
export class CaptureStream extends Writable {
  readonly chunks: string[] = [];
  isTTY: boolean;
  columns: number;
  rows: number;

  constructor(options: { isTTY?: boolean; columns?: number; rows?: number } = {}) {
    super();
    this.isTTY = options.isTTY ?? false;
    this.columns = options.columns ?? 80;
    this.rows = options.rows ?? 24;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    cb();
  }

  /** Everything written, as one string. */
  text(): string {
    return this.chunks.join('');
  }
}

/** Removes ANSI escape sequences (colours, cursor moves, line erases). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
