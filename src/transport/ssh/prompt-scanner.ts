/**
 * Finds sudo's prompt token in stderr as it streams, removes it, and holds back a tail
 * that could be the start of a token split across chunks.
 */
export class PromptScanner {
  private held = '';

  constructor(private readonly token: string) {}

  /** Returns the text to pass on and how many prompts were found in this chunk. */
  scan(chunk: string): { text: string; prompts: number } {
    const parts = (this.held + chunk).split(this.token);
    const prompts = parts.length - 1;
    let text = parts.join('');
    this.held = '';
    for (let n = Math.min(this.token.length - 1, text.length); n > 0; n--) {
      if (this.token.startsWith(text.slice(-n))) {
        this.held = text.slice(-n);
        text = text.slice(0, -n);
        break;
      }
    }
    return { text, prompts };
  }

  /** What was held back, at the end of the stream. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}
