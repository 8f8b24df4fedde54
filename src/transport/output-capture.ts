import { formatBytes } from './byte-size.js';
import { TextPieces } from './text-pieces.js';
import { leadingBytes, utf8Bytes, withoutLeadingBytes } from './utf8-cut.js';

/** Default of `tpx_output_limit`: bytes of a command's stdout, and of its stderr, kept in memory. */
export const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;

/** The variable that sets the limit (per task, play, host or run, like any variable). */
export const OUTPUT_LIMIT_VAR = 'tpx_output_limit';

/** Bytes of the limit set aside for the note that says how much was left out (the note is shorter). */
const NOTE_ROOM = 64;

/** The line put between the kept start and the kept end of an output that did not fit. */
export function droppedNote(bytes: number): string {
  return `\n[… ${formatBytes(bytes)} not kept: over ${OUTPUT_LIMIT_VAR} …]\n`;
}

/** The line that ends live output that went over the limit (the result still keeps its end). */
export function liveStoppedNote(limit: number): string {
  return `\n[… not shown live past ${formatBytes(limit)} (${OUTPUT_LIMIT_VAR}) …]\n`;
}

/**
 * One output stream of one command (its stdout or its stderr), held in bounded memory
 * however much the host prints. When all of it fits in `limit` bytes it is kept whole;
 * otherwise its first and its last part are kept, with a note between them saying how
 * many bytes were left out, and note included the text stays within the limit. The end is
 * kept as well as the start because a failure shows the last lines of stderr, and tpx's
 * own scripts print their verdicts last. The first `limit` bytes also go to `live` as they
 * arrive, then one note, then nothing: a terminal or a CI log is not flooded either.
 */
export class OutputCapture {
  private readonly head = new TextPieces();
  private readonly tail = new TextPieces();
  private dropped = 0;
  private liveBytes = 0;
  private liveStopped = false;
  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(
    readonly limit: number = DEFAULT_OUTPUT_LIMIT,
    private readonly live?: (chunk: string) => void,
  ) {
    const room = Math.max(0, limit - NOTE_ROOM);
    this.headLimit = Math.ceil(room / 2);
    this.tailLimit = room - this.headLimit;
  }

  /** Bytes received and not kept (0 when the whole output is kept). */
  get droppedBytes(): number {
    this.settle();
    return this.dropped;
  }

  /** Takes the next piece of output. */
  push(text: string): void {
    if (text === '') return;
    this.forwardLive(text);
    let rest = text;
    if (this.head.bytes < this.headLimit) {
      const start = leadingBytes(text, this.headLimit - this.head.bytes);
      this.head.append(start.text, start.bytes);
      rest = text.slice(start.text.length);
    }
    if (rest !== '') this.keepInTail(rest);
  }

  /** The kept text: the whole output, or its start, the note and its end. */
  text(): string {
    this.settle();
    const head = this.head.text();
    const tail = this.tail.text();
    return this.dropped === 0 ? head + tail : `${head}${droppedNote(this.dropped)}${tail}`;
  }

  /** Older tail text goes a whole piece at a time as newer text arrives (cheap); `settle` cuts it exactly. */
  private keepInTail(text: string): void {
    let piece = { text, bytes: utf8Bytes(text) };
    if (piece.bytes > this.tailLimit) {
      const cut = withoutLeadingBytes(text, piece.bytes - this.tailLimit);
      this.dropped += piece.bytes - cut.bytes;
      piece = cut;
    }
    this.tail.append(piece.text, piece.bytes);
    this.dropped += this.tail.dropOldPieces(this.tailLimit);
  }

  private settle(): void {
    this.dropped += this.tail.trimTo(this.tailLimit);
  }

  private forwardLive(text: string): void {
    if (!this.live || this.liveStopped) return;
    const start = leadingBytes(text, this.limit - this.liveBytes);
    this.liveBytes += start.bytes;
    if (start.text !== '') this.live(start.text);
    if (start.text.length < text.length) {
      this.liveStopped = true;
      this.live(liveStoppedNote(this.limit));
    }
  }
}
