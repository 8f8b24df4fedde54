import { quoteArg } from '../shell/quote.js';
import { trustedSourceCheck } from './write-file-command.js';

/** The archive an unarchive task unpacks, wherever it is. */
export interface ArchiveSource {
  /** As the result's `src` names it. */
  readonly path: string;
  readonly sha256: string;
  /** Starts with gzip's magic bytes. */
  readonly gzip: boolean;
  /** Its entry names (listed only when owner or group asks for them). */
  readonly entries: () => readonly string[];
  /** A local archive's content, streamed on the unpacking command's stdin; absent: the archive is "$s" on the host. */
  readonly stdin?: Buffer;
}

const SOURCE = 'tpx-src';
const ENTRY = 'tpx-entry ';
const REFUSED = 'tpx-src-refused';

/**
 * Shell that sets variable `s` to the archive on the host and stops (exit 1, a message on
 * stderr) at a link or file another user may have put in a world-writable directory on the
 * way to it: an archive read as root is never one that user chose.
 */
export function remoteArchiveCheck(src: string): string {
  return `s=${quoteArg(src)}; ${trustedSourceCheck('s')}`;
}

/**
 * Shell that reports the archive on the host, in a subshell (the fact command goes on):
 * missing, not a file, unreadable, empty, or its sha256 and first two bytes in hex, with its
 * entry names (`tar -t`) when `list`.
 */
export function remoteArchiveScript(src: string, list: boolean): string {
  const entries = list ? `tar -tzf - < "$s" 2>/dev/null | sed 's/^/${ENTRY}/'; ` : '';
  return (
    `(${remoteArchiveCheck(src)}if [ ! -e "$s" ]; then echo ${SOURCE}-missing; elif [ ! -f "$s" ]; then echo ${SOURCE}-not-file; ` +
    `elif [ ! -r "$s" ]; then echo ${SOURCE}-unreadable; elif [ ! -s "$s" ]; then echo ${SOURCE}-empty; ` +
    `else echo "${SOURCE} $( (sha256sum || shasum -a 256) < "$s" | cut -d" " -f1) $(od -An -tx1 -N2 < "$s" | tr -d ' \\n')"; ${entries}fi) || echo ${REFUSED}`
  );
}

/**
 * The archive on the host, from the fact of remoteArchiveScript, or the message the task
 * fails with (Ansible's, where it has one). `stderr` is the fact's, for a refusal.
 */
export function readRemoteArchive(src: string, stdout: string, stderr = ''): ArchiveSource | string {
  const lines = stdout.split('\n');
  if (lines.includes(REFUSED)) {
    const why = stderr.trim().split('\n').pop();
    return why ? why : `could not read the archive ${src} on the host`;
  }
  if (lines.includes(`${SOURCE}-missing`)) return `Source '${src}' does not exist`;
  if (lines.includes(`${SOURCE}-not-file`)) return `Source '${src}' is not a regular file`;
  if (lines.includes(`${SOURCE}-unreadable`)) return `Source '${src}' not readable`;
  if (lines.includes(`${SOURCE}-empty`)) return `Invalid archive '${src}', the file is 0 bytes`;
  const fields = lines.find((l) => l.startsWith(`${SOURCE} `))?.split(' ') ?? [];
  const [sha256, magic] = [fields[1], fields[2]];
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) return `could not read the archive ${src} on the host`;
  const entries = lines.filter((l) => l.startsWith(ENTRY)).map((l) => l.slice(ENTRY.length));
  return { path: src, sha256, gzip: magic === '1f8b', entries: () => entries };
}
