import { quoteArg } from '../shell/quote.js';
import { splitShellWords } from './split-args.js';

/**
 * The `validate` of the modules that replace a file (lineinfile, blockinfile, replace,
 * template) as shell: Ansible runs `validate % tmpfile` split into words, without a shell, so
 * each word is quoted and `%s` becomes the new file, "$t" in writeFileCommand.
 */
export function validateCommand(validate: string): string {
  return splitShellWords(validate)
    .map((word) =>
      word
        .split('%s')
        .map((part) => (part === '' ? '' : quoteArg(part)))
        .join('"$t"'),
    )
    .join(' ');
}
