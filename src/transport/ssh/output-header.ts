/**
 * Takes out of stdout the lines tpx's wrapper prints before the command's own output
 * (`TOKEN<pid>`, then `TOKENgo` with become), across chunk boundaries. Lines that do not
 * start with the token (a chatty shell rc file) pass through as output — as soon as their
 * start shows they are not the token, so a long line without a newline is never held.
 */
export class OutputHeader {
  private buffered = '';
  /** Inside a line of output that is not a header line: the rest of it passes through. */
  private inOutputLine = false;
  readonly lines: string[] = [];

  constructor(
    private readonly token: string,
    private readonly expected: number,
  ) {}

  /** True once every header line has arrived. */
  get complete(): boolean {
    return this.lines.length >= this.expected;
  }

  /** Feeds a stdout chunk; returns the part of it that is the command's own output. */
  take(chunk: string): string {
    if (this.complete) return chunk;
    this.buffered += chunk;
    let out = '';
    while (!this.complete) {
      const nl = this.buffered.indexOf('\n');
      if (this.inOutputLine || !this.token.startsWith(this.buffered.slice(0, this.token.length)) || (nl < 0 && this.buffered.length > MAX_HEADER_LINE)) {
        const end = nl < 0 ? this.buffered.length : nl + 1;
        out += this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end);
        this.inOutputLine = nl < 0;
        if (nl < 0) return out;
        continue;
      }
      if (nl < 0) return out;
      this.lines.push(this.buffered.slice(this.token.length, nl));
      this.buffered = this.buffered.slice(nl + 1);
    }
    out += this.buffered;
    this.buffered = '';
    return out;
  }

  /** Output held back while waiting for a header line that never came. */
  flush(): string {
    const rest = this.buffered;
    this.buffered = '';
    return rest;
  }
}

/** A header line is the token and a pid or `go`; a longer unfinished line is output. */
const MAX_HEADER_LINE = 256;
