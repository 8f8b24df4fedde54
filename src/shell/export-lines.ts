import { quoteArg } from './quote.js';

/** Shell lines that export the environment before a command (in the shell that runs it, after sudo). */
export function exportLines(environment: Readonly<Record<string, string>> | undefined): string {
  if (!environment) return '';
  return Object.entries(environment)
    .map(([name, value]) => `export ${name}=${quoteArg(value)}\n`)
    .join('');
}
