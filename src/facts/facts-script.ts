import { readFileSync } from 'node:fs';

/**
 * The host side of fact gathering (Ansible's `setup`): host/gather-facts.sh, one POSIX sh script, run as the login
 * user over one channel, that only reads — files under /etc, /proc and /sys, and the output
 * of uname, id, getent, date, ip, nproc, lsb_release and python3 when they exist — and
 * prints the raw material. parseFacts (parse-facts.ts) turns it into Ansible's facts, so
 * every rule about names and shapes is TypeScript, testable without a host.
 *
 * Output: records, each ended by a NUL byte, each `<key>\n<payload>`. Keys are fixed words
 * chosen here; payloads are raw text, which can hold newlines but never NUL (files are read
 * through `tr -d '\000'`, and nothing else can carry one), so no value can start a record.
 * The `env` payload is one `NAME=value` line per variable with `%`, newline and carriage
 * return written as `%25`, `%0A`, `%0D`.
 *
 * Speed: builtins where a file is one line (`read`), one `ip` call per question, one `date`,
 * at most one python; about 25 short processes in all and no loop that starts one per item
 * except the two `getent` lookups of the fqdn.
 *
 * shellcheck runs on it with every shell script of the repository (test/host), and dash -n
 * in test/facts/facts.test.ts.
 */
export const FACTS_SCRIPT: string = readFileSync(new URL('../../host/gather-facts.sh', import.meta.url), 'utf8');
