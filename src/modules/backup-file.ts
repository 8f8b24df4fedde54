import { posix } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { atEntry, exclusiveTemp, openedEntry, renameCommand } from './write-file-command.js';

/**
 * The `backup: true` of the modules that replace a file (copy, lineinfile): a copy of the old
 * file, mode and owner kept, at `DEST.YYYY-MM-DD@HH:MM:SS~` (Ansible's name, without its pid).
 * It is made in dest's directory, entered as writeFileCommand enters it (atEntry: another
 * user's link on the way is refused, as is their file or link at dest in a world-writable
 * directory, `asked` being the owner the task asks for), by relative names. The name is
 * predictable, so the copy is made into a new file of its own (exclusive, random name, written
 * through its open descriptor) and renamed to it: a link another user put at that name is
 * replaced, never written through. The old file is copied as it was opened (openedEntry), so a
 * link another user swaps in for it never chooses what root copies where they can read it.
 */
export function backupStep(dest: string, now = new Date(), asked?: string): { readonly command: string; readonly file: string } {
  const file = `${dest}.${timestamp(now)}~`;
  const refuse = (why: string): string => `{ echo ${quoteArg(`${dest} ${why}; not backed up`)} >&2; exit 1; }`;
  // The old file as it was opened, never what a link put at the name since points to; a link
  // root, we or the login user put there is copied through, as Ansible's backup copies it.
  const copy = (entry: string): string =>
    `if [ -L ${entry} ]; then set -- $(ls -lnd -- ${entry}); case \${3-} in 0|"$(id -u)"|"\${SUDO_UID:-0}") f=${entry} ;; *) ${refuse("is another user's link now")} ;; esac; ` +
    `else ${openedEntry(entry, 5, refuse)}fi; ` +
    `${exclusiveTemp(`./${posix.basename(dest)}`, 4, 'b', 'bf')}; cp -p -- "$f" "$bf" && ${renameCommand('"$b"', quoteArg(`./${posix.basename(file)}`), quoteArg(file))} || { rc=$?; rm -f -- "$b"; exit $rc; }`;
  return { command: atEntry(dest, copy, { asked }), file };
}

function timestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}@${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
