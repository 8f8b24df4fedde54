import { withoutLeadingBytes, type Utf8Piece } from './utf8-cut.js';

/** Pieces smaller than this are gathered and joined into one, so a host writing a byte at a time makes few pieces. */
const MIN_PIECE = 4096;

/**
 * Text held as pieces in arrival order, with its size in UTF-8 bytes, that can lose its
 * oldest part cheaply. Small pieces are gathered in a list and joined once they add up to
 * MIN_PIECE: appending to one string instead would keep every tiny piece alive as a node of
 * a rope, tens of bytes each, for the life of the text.
 */
export class TextPieces {
  private readonly pieces: Utf8Piece[] = [];
  /** Index of the oldest piece still held: pieces before it are gone (compacted now and then). */
  private start = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Bytes held, pending ones included. */
  bytes = 0;

  append(text: string, bytes: number): void {
    this.pending.push(text);
    this.pendingBytes += bytes;
    this.bytes += bytes;
    if (this.pendingBytes >= MIN_PIECE) this.seal();
  }

  /**
   * Removes the oldest whole pieces as long as at least `keep` bytes are left; returns the
   * bytes removed. Cheap, so it runs on every append; `trimTo` makes the size exact later.
   */
  dropOldPieces(keep: number): number {
    let removed = 0;
    while (this.start < this.pieces.length && this.bytes - this.pieces[this.start].bytes >= keep) {
      const gone = this.pieces[this.start++].bytes;
      this.bytes -= gone;
      removed += gone;
    }
    if (this.start > 64 && this.start * 2 > this.pieces.length) {
      this.pieces.splice(0, this.start);
      this.start = 0;
    }
    return removed;
  }

  /** Removes the oldest text until at most `max` bytes are left, never splitting a character; returns the bytes removed. */
  trimTo(max: number): number {
    this.seal();
    let removed = this.dropOldPieces(max);
    const excess = this.bytes - max;
    if (excess > 0 && this.start < this.pieces.length) {
      const first = this.pieces[this.start];
      const left = withoutLeadingBytes(first.text, excess);
      this.pieces[this.start] = left;
      this.bytes -= first.bytes - left.bytes;
      removed += first.bytes - left.bytes;
    }
    return removed;
  }

  text(): string {
    this.seal();
    return this.pieces
      .slice(this.start)
      .map((p) => p.text)
      .join('');
  }

  private seal(): void {
    if (this.pending.length === 0) return;
    this.pieces.push({ text: this.pending.join(''), bytes: this.pendingBytes });
    this.pending = [];
    this.pendingBytes = 0;
  }
}
