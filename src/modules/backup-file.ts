import { posix } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { atEntry, enterDirectory, exclusiveTemp, openedEntry, renameCommand } from './write-file-command.js';

/**
 * The `backup: true` of the modules that replace a file (copy, lineinfile): a copy of the old
 * file, mode and owner kept, at `DEST.YYYY-MM-DD@HH:MM:SS~` (Ansible's name, without its pid).
 * It is made in dest's directory, entered as writeFileCommand enters it (atEntry: another
 * user's link on the way is refused, as is their file or link at dest in a world-writable
 * directory, `asked` being the owner the task asks for), by relative names. The name is
 * predictable, so the copy is made into a new file of its own (exclusive, random name, written
 * through its open descriptor) and renamed to it: a link another user put at that name is
 * replaced, never written through. The old file is reached by the walk and copied as it was
 * opened (openedEntry), so no link another user puts at its name or on its way since chooses
 * what root copies where they can read it.
 */
export function backupStep(dest: string, now = new Date(), asked?: string): { readonly command: string; readonly file: string } {
  const file = `${dest}.${timestamp(now)}~`;
  const refuse = (why: string): string => `{ echo ${quoteArg(`${dest} ${why}; not backed up`)} >&2; exit 1; }`;
  // The old file is reached by the walk (a link at dest followed as the walk follows one: ours,
  // or another user's to a file of theirs) and opened where it was checked; the copy is made
  // from that descriptor, back in dest's own directory, entered and checked again.
  const copy =
    `${exclusiveTemp(`./${posix.basename(dest)}`, 4, 'b', 'bf')}; cp -p -- "$f" "$bf" && ` +
    `${renameCommand('"$b"', quoteArg(`./${posix.basename(file)}`), quoteArg(file))} || { rc=$?; rm -f -- "$b"; exit $rc; }`;
  const body = (entry: string): string =>
    `${openedEntry(entry, 5, refuse)}case $f in /proc/*) ;; *) f=$PWD/\${f#./} ;; esac; ${enterDirectory(posix.dirname(dest), dest)}${copy}`;
  return { command: atEntry(dest, body, { asked, follow: true }), file };
}

function timestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}@${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
