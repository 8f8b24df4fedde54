import { quoteArg } from '../shell/quote.js';

/**
 * The `backup: true` of the modules that replace a file (copy, lineinfile): a copy of the old
 * file, mode and owner kept, at `DEST.YYYY-MM-DD@HH:MM:SS~` (Ansible's name, without its pid).
 */
export function backupStep(dest: string, now = new Date()): { readonly command: string; readonly file: string } {
  const file = `${dest}.${timestamp(now)}~`;
  return { command: `cp -p -- ${quoteArg(dest)} ${quoteArg(file)}`, file };
}

function timestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}@${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
