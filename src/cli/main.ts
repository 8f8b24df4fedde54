import { FAULT_KINDS } from '../lab/fault-spec.js';
import { Command, CommanderError, Option } from 'commander';
import { escapeControl } from '../reporters/escape-control.js';
import { handleError } from './handle-error.js';
import { addVaultOptions } from './vault-options.js';
import { readVersion } from './version.js';

/** Parses argv, runs the command and returns the process exit code. The only place tpx decides how it exits. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    // Error messages can carry host text (a server's banner, a lock holder's details): escaped on the way out.
    return handleError(error, (text) => process.stderr.write(escapeControl(text)));
  }
}

function commanderExit(error: CommanderError): number {
  // --help and --version are not errors.
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
  return 5;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const INVENTORY_HELP =
  "inventory: a YAML or INI file, a directory of them, or host1,host2, (repeatable; default: ansible.cfg's inventory, else ./inventory.yaml)";

function buildProgram(): Command {
  const program = new Command('tpx')
    .description('Declarative runner over SSH: YAML playbooks and an Ansible-style inventory, run on every host in parallel.')
    .version(readVersion(), '--version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(str) });

  const run = program
    .command('run')
    .description('run a playbook on the hosts of an inventory')
    .argument('<playbook>', 'playbook YAML file')
    .option('-i, --inventory <file>', INVENTORY_HELP, collect)
    .option('-l, --limit <pattern>', 'limit to hosts matching this pattern')
    .option('-e, --extra-vars <vars>', 'KEY=VALUE, a JSON object, or @file.yaml (repeatable; highest precedence)', collect)
    .option('-f, --forks <n>', "hosts worked on at once (default: ansible.cfg's forks, else 200)")
    .option('-C, --check', 'change nothing; report what would change')
    .option('-D, --diff', 'show the differences in changed files')
    .option('-t, --tags <tags>', 'run only tasks with these tags (comma-separated)')
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated)')
    .option('--report <file>', 'write a JSON report (also when interrupted)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--report-html <file>', 'write a self-contained HTML report: outcome, plan per host, timeline, failures (also when interrupted)')
    .addOption(new Option('--output <mode>', 'progress output').choices(['auto', 'tty', 'plain', 'json']).default('auto'))
    .option(
      '--retry-failed [file]',
      'run again only on hosts that failed, were unreachable or never finished, from a report or run journal (default: the newest journal of this playbook)',
    )
    .option('-K, --ask-become-pass', 'prompt for the sudo password (also when ansible.cfg sets become_ask_pass)');
  addVaultOptions(run)
    .option('-v, --verbose', 'show commands and their output, and which ansible.cfg is used', (_v: string, n: number) => n + 1, 0)
    .action(async (playbook: string, options: Record<string, unknown>) => {
      const { runCommand } = await import('./commands/run.js');
      process.exitCode = await runCommand(playbook, options);
    });

  const validate = program
    .command('validate')
    .description('parse and check a playbook (and inventory) without connecting anywhere')
    .argument('<playbook>', 'playbook YAML file')
    .option('-i, --inventory <file>', INVENTORY_HELP, collect);
  addVaultOptions(validate).action(async (playbook: string, options: Record<string, unknown>) => {
    const { validateCommand } = await import('./commands/validate.js');
    process.exitCode = await validateCommand(playbook, options);
  });

  const inventory = program
    .command('inventory')
    .description('show the hosts, groups and variables of an inventory')
    .option('-i, --inventory <file>', INVENTORY_HELP, collect)
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('--list', 'print JSON shaped like ansible-inventory --list (default)')
    .option('--graph', 'print the group tree')
    .option('--vars', 'with --graph, show variables too')
    .option('--playbook-dir <dir>', "also apply this playbook directory's group_vars/ and host_vars/, as a run would");
  addVaultOptions(inventory).action(async (options: Record<string, unknown>) => {
    const { inventoryCommand } = await import('./commands/inventory.js');
    process.exitCode = await inventoryCommand(options);
  });

  const journal = program.command('journal').description('the run journals --retry-failed reads ($XDG_STATE_HOME/tpx/runs)');
  journal
    .command('prune')
    .description('remove the oldest run journals, keeping the newest of each playbook')
    .option('--keep <n>', 'journals kept per playbook', '20')
    .option('--playbook <file>', 'only the journals of this playbook')
    .action(async (options: Record<string, unknown>) => {
      const { journalPruneCommand } = await import('./commands/journal.js');
      process.exitCode = journalPruneCommand(options);
    });
  const lab = program.command('lab').description('a local fleet in network namespaces for rehearsals, demos and tests');
  lab
    .command('up')
    .description('build the lab fleet (needs root)')
    .option('--hosts <n>', 'number of hosts', '6')
    .option('--versions <list>', 'comma-separated Kuma versions, assigned round-robin ("none" for a host without Kuma)')
    .option('--dir <dir>', 'where the lab keeps its files', '/var/tmp/tpx-lab')
    .option('--kumactl <path>', 'use a real kumactl instead of the bundled stand-in')
    .option('--packages <list>', 'also build release archives <dir>/packages/kuma-<version>.tar.gz for these versions')
    .option('--base-port <port>', 'host n listens on 127.0.0.1:<port+n-1> (default: ports the kernel picks)')
    .option('--force', 'replace an existing lab in the dir')
    .action(async (options: Record<string, unknown>) => {
      const { labUpCommand } = await import('./commands/lab.js');
      process.exitCode = await labUpCommand(options);
    });
  lab
    .command('down')
    .description('remove everything the lab made')
    .option('--dir <dir>', 'where the lab keeps its files', '/var/tmp/tpx-lab')
    .action(async (options: Record<string, unknown>) => {
      const { labDownCommand } = await import('./commands/lab.js');
      process.exitCode = await labDownCommand(options);
    });
  lab
    .command('status')
    .description('show the lab fleet')
    .option('--dir <dir>', 'where the lab keeps its files', '/var/tmp/tpx-lab')
    .action(async (options: Record<string, unknown>) => {
      const { labStatusCommand } = await import('./commands/lab.js');
      process.exitCode = await labStatusCommand(options);
    });

  lab
    .command('fault')
    .description('make one lab host misbehave, or behave again (for rehearsals and tests)')
    .argument('<host>', 'the lab host, e.g. mesh-01')
    .argument('<kind>', 'what goes wrong (see below)')
    .argument('[n]', 'milliseconds (drop, delay) or seconds (install-slow)')
    .option('--persist', 'an install fault fires on every install, not only the next')
    .option('--dir <dir>', 'where the lab keeps its files', '/var/tmp/tpx-lab')
    .addHelpText('after', `\nKinds:\n  ${FAULT_KINDS.join('\n  ')}\n`)
    .action(async (host: string, kind: string, n: string | undefined, options: Record<string, unknown>) => {
      const { labFaultCommand } = await import('./commands/lab.js');
      process.exitCode = await labFaultCommand(host, kind, n, options);
    });
  for (const cmd of [program, ...program.commands, ...lab.commands, ...journal.commands]) cmd.exitOverride();
  return program;
}
