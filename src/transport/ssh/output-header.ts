/**
 * Takes out of stdout the lines tpx's wrapper prints before the command's own output
 * (`TOKEN<pid>`, then `TOKENgo` with become), across chunk boundaries. Lines that do not
 * start with the token (a chatty shell rc file) pass through as output.
 */
export class OutputHeader {
  private buffered = '';
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
      if (nl < 0) return out;
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.startsWith(this.token)) this.lines.push(line.slice(this.token.length));
      else out += `${line}\n`;
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
