import { WITH_LOOPS, type WithLoop, withLoopKey } from '../template/with-loops.js';
import { MODULE_PARAMS, MODULE_PREFIXES } from '../modules/params/all-params.js';
import { TEMPLATE_PATTERN, type JsonSchema } from '../modules/params/module-params.js';
import { INCLUDE_ACTION_KEYS, type IncludeAction } from './include-actions.js';
import {
  bool,
  boolOrTemplate,
  conditions,
  doc,
  IDENTIFIER,
  intOrTemplate,
  numberOrTemplate,
  str,
  stringOrList,
  tagsSchema,
  varsSchema,
} from './schema-parts.js';

/** Keywords a block shares with a task (inherited play → block → task at run time). */
export const SHARED_KEYWORDS: Readonly<Record<string, JsonSchema>> = {
  name: str('A name for the output and the report.'),
  when: conditions(
    'Run only when the expression holds (bare Jinja2, no `{{ }}`); a list means all must hold. Example: `when: installed is version("2.9.0", "<")`',
  ),
  tags: tagsSchema,
  become: bool('Run through sudo (overrides the play and the inventory).'),
  become_user: str('The user to become (default root).'),
  ignore_errors: boolOrTemplate('A failure of this task does not fail the host (a boolean, or a "{{ … }}" template rendered per host).'),
  no_log: bool("Hide the task's output and arguments everywhere (secrets)."),
  check_mode: bool('true: always run in check mode; false: run for real even under --check (e.g. detection commands).'),
  run_once: bool('Run on the first host of the batch only; the result is shared with the others.'),
  timeout: intOrTemplate('Seconds the task may take before it fails.', 1),
  vars: varsSchema('Variables for this task or block only.'),
  remote_user: remoteUser('The user to log in as for this task or block.'),
  delegate_to: str(
    "Run the module on this host instead (an inventory host, or `localhost`: the controller), with the task's host's variables; the result is that host's.",
  ),
  delegate_facts: bool('With delegate_to: facts the task sets (setup, set_fact) go to the delegated host.'),
  connection: connectionSchema('How to reach the host: `local` runs on the controller; `ssh` (also `smart`) is the default.'),
  environment: environmentSchema('Environment variables for the commands of this task or block (merged over the enclosing ones).'),
};

function connectionSchema(description: string): JsonSchema {
  return doc(description, { enum: ['local', 'ssh', 'smart'], 'x-expected': '"local" or "ssh"' });
}

function remoteUser(description: string): JsonSchema {
  return str(`${description} An \`ansible_user\` (or \`user\`) variable wins over it, as in Ansible.`);
}

function environmentSchema(description: string): JsonSchema {
  const mapping = { type: 'object', propertyNames: { pattern: IDENTIFIER }, 'x-expected': 'a mapping of environment variable names to values' };
  return doc(description, {
    type: ['object', 'string', 'array'],
    propertyNames: { pattern: IDENTIFIER },
    pattern: TEMPLATE_PATTERN,
    items: { type: ['object', 'string'], propertyNames: { pattern: IDENTIFIER }, pattern: TEMPLATE_PATTERN, 'x-expected': mapping['x-expected'] },
    'x-expected': 'a mapping of environment variable names to values (or a "{{ … }}" template that renders to one)',
  });
}

/** Keywords of a task (besides its one module). */
export const TASK_KEYWORDS: Readonly<Record<string, JsonSchema>> = {
  ...SHARED_KEYWORDS,
  register: doc('Store the result in this variable: rc, stdout, stderr, stdout_lines, changed, failed, skipped.', {
    type: 'string',
    pattern: IDENTIFIER,
    'x-expected': 'a variable name (letters, digits and _)',
  }),
  changed_when: conditions('Decide "changed" with an expression over the result instead of the module\'s own answer.'),
  failed_when: conditions('Decide "failed" with an expression over the result (e.g. `result.rc not in [0, 1]`).'),
  until: conditions('Repeat the task (up to `retries` times, `delay` seconds apart) until the expression holds.'),
  retries: intOrTemplate('How many times `until` retries (default 3).', 0),
  delay: numberOrTemplate('Seconds between retries (default 5).', 0),
  async: intOrTemplate("At most this many seconds for the task (Ansible's asynchronous task, waited for with `poll`): past it the task fails.", 0),
  poll: {
    ...intOrTemplate(
      'With `async`: seconds between checks (default 10); tpx keeps the connection and waits. `poll: 0` (fire and forget) is not supported yet.',
      1,
    ),
    'x-expected': 'an integer >= 1 (or a "{{ … }}" template); poll: 0 (start the task and go on, then async_status) is not supported yet',
  },
  loop: doc('Run the task once per item (`item`); a list or a template that renders to one.', {
    type: ['array', 'string'],
    pattern: TEMPLATE_PATTERN,
    'x-expected': 'a list or a "{{ … }}" template that renders to one',
  }),
  ...withLoopKeywords(),
  loop_control: doc('Loop settings.', {
    type: 'object',
    title: 'loop_control',
    properties: { loop_var: doc('The loop variable name (default item).', { type: 'string', pattern: IDENTIFIER, 'x-expected': 'a variable name' }) },
    additionalProperties: false,
  }),
  notify: stringOrList('Handlers (by name or listen topic) to run at the end of the play when this task changed something.'),
  args: doc("Extra module arguments, merged into the module's (useful with the free form `command: ...`).", { type: 'object' }),
};

/** Ansible's `with_*` loops tpx supports, each a loop keyword of its own. */
function withLoopKeywords(): Record<string, JsonSchema> {
  const what: Record<WithLoop, string> = {
    list: 'the list as it is',
    items: 'a list, nested lists flattened one level',
    flattened: 'a list, nested lists flattened at every level',
    indexed_items: '[index, item] pairs',
    dict: '{key, value} for each entry of a mapping',
    together: 'the lists zipped, padded with null',
    nested: 'every combination of the lists',
  };
  return Object.fromEntries(
    WITH_LOOPS.map((kind) => [
      withLoopKey(kind),
      doc(`Ansible's older loop form: one run per item, with \`item\` = ${what[kind]}. Same as \`loop\` with the matching filter.`, {}),
    ]),
  );
}

/** The include and import actions, each under all its spellings (include-actions.ts). */
function includeProperties(): Record<string, JsonSchema> {
  const file = (what: string) =>
    doc(what, {
      type: ['string', 'object'],
      minLength: 1,
      properties: { file: { type: 'string', minLength: 1 } },
      required: ['file'],
      additionalProperties: false,
      'x-expected': 'a file path (or a mapping with `file:`)',
    });
  const role = (what: string) =>
    doc(what, {
      type: 'object',
      title: 'role include',
      required: ['name'],
      properties: {
        name: str('The role: a name looked up in roles/ beside the playbook (and ANSIBLE_ROLES_PATH), or a path.'),
        tasks_from: str('The tasks file of the role to run instead of tasks/main.yml.'),
        vars_from: str('The vars file of the role to read instead of vars/main.yml.'),
        defaults_from: str('The defaults file of the role to read instead of defaults/main.yml.'),
        handlers_from: str('The handlers file of the role to read instead of handlers/main.yml.'),
        allow_duplicates: bool('Accepted for Ansible compatibility.'),
        public: bool('Accepted for Ansible compatibility: role variables are visible to the whole play in tpx.'),
      },
      additionalProperties: false,
      'x-expected': 'a mapping with the role `name`',
    });
  const schemas: Record<IncludeAction, JsonSchema> = {
    import_tasks: file('Tasks of another file, put here when the playbook loads; keywords of this task apply to each of them.'),
    include_tasks: file('Tasks of another file, run here per host (with `loop`, `when` checked once, `vars` passed on).'),
    import_role: role("A role's tasks, put here when the playbook loads."),
    include_role: role("A role's tasks, run here (the role is loaded with the playbook)."),
  };
  return Object.fromEntries([...INCLUDE_ACTION_KEYS].map(([key, action]) => [key, schemas[action]]));
}

/** The keys of a task's module: every module, also under `ansible.builtin.` and `ansible.legacy.`. */
function moduleProperties(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const m of MODULE_PARAMS) {
    const ref = { $ref: `#/definitions/module_${m.name}` };
    out[m.name] = ref;
    for (const prefix of MODULE_PREFIXES) out[prefix + m.name] = ref;
  }
  return out;
}

function moduleDefinitions(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const m of MODULE_PARAMS) {
    out[`module_${m.name}`] = {
      ...m.schema,
      description: m.description,
      markdownDescription: `${m.description}\n\n\`\`\`yaml\n${m.example}\n\`\`\``,
    };
  }
  return out;
}

const taskList = (title: string, description: string): JsonSchema =>
  doc(description, { type: 'array', items: { $ref: '#/definitions/task_or_block' }, 'x-expected': `a list of ${title}` });

/**
 * The playbook schema, built from the play and task keywords above and each module's own
 * parameter schema (src/modules/params). schemas/playbook.schema.json is this, written out.
 */
export function buildPlaybookSchema(): JsonSchema {
  const modules = moduleProperties();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://tpx.dev/schemas/playbook.schema.json',
    title: 'playbook',
    description: 'A tpx playbook: a list of plays (Ansible-style YAML).',
    type: 'array',
    minItems: 1,
    'x-expected': 'a list of plays',
    items: { $ref: '#/definitions/play_or_import' },
    definitions: {
      play_or_import: {
        if: { type: 'object', required: ['import_playbook'] },
        then: { $ref: '#/definitions/import_playbook' },
        else: { $ref: '#/definitions/play' },
      },
      import_playbook: {
        title: 'import_playbook',
        type: 'object',
        description: 'The plays of another playbook, put here when the playbook loads.',
        additionalProperties: false,
        properties: {
          import_playbook: doc('The playbook file, relative to this one.', { type: 'string', minLength: 1, 'x-expected': 'a playbook file path' }),
          'ansible.builtin.import_playbook': doc('The playbook file, relative to this one.', { type: 'string', minLength: 1 }),
          name: str('A name for the import.'),
          vars: varsSchema('Variables for every play of the imported playbook.'),
          tags: tagsSchema,
          when: conditions('Run the imported plays only when the expression holds (checked for each of their tasks).'),
        },
      },
      play: {
        title: 'play',
        type: 'object',
        description: 'A play: which hosts, how to roll out, and the tasks to run on them.',
        'x-expected': 'a play (a mapping with hosts and tasks)',
        required: ['hosts'],
        additionalProperties: false,
        properties: {
          name: str('A name for the output and the report (default: the hosts pattern).'),
          hosts: doc('Host pattern: names, groups, globs, `a:b` (union), `a:&b` (intersection), `a:!b` (exclusion); or a list of patterns.', {
            type: ['string', 'array'],
            minLength: 1,
            items: { type: 'string', minLength: 1 },
            minItems: 1,
            'x-expected': 'a host pattern or a list of patterns',
          }),
          vars: varsSchema('Play variables (above inventory vars, below set_fact/register and -e).'),
          vars_files: doc(
            'Files of variables, read in order (a later file wins), relative to the playbook; an entry that is a list means the first of them that exists. Paths may use templates (per host).',
            {
              type: ['array', 'string'],
              minLength: 1,
              items: {
                type: ['string', 'array'],
                minLength: 1,
                items: { type: 'string', minLength: 1 },
                minItems: 1,
                'x-expected': 'a file path or a list of them',
              },
              'x-expected': 'a file path or a list of file paths',
            },
          ),
          vars_prompt: doc('Variables asked for on the terminal when the run starts (unless given with -e).', {
            type: 'array',
            items: {
              type: 'object',
              title: 'vars_prompt entry',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: doc('The variable.', { type: 'string', pattern: IDENTIFIER, 'x-expected': 'a variable name' }),
                prompt: str('The question (default: the name).'),
                private: bool('Hide the answer as it is typed, and in all output (default true).'),
                default: doc('The answer when none is typed, or when there is no terminal.', { type: ['string', 'number', 'boolean'] }),
                confirm: bool('Ask twice; the answers must match.'),
                unsafe: bool('Accepted for Ansible compatibility: answers are never templated by tpx.'),
              },
              'x-expected': 'a mapping with the variable `name`',
            },
            'x-expected': 'a list of prompts',
          }),
          remote_user: remoteUser('The user to log in as.'),
          user: remoteUser("Ansible's older name for `remote_user`."),
          connection: connectionSchema('How to reach the hosts: `local` runs every task on the controller; `ssh` (also `smart`) is the default.'),
          environment: environmentSchema('Environment variables for the commands of every task of the play.'),
          become: bool('Run every task through sudo (a task may override it).'),
          become_user: str('The user to become (default root).'),
          serial: doc('Rolling batches: a number, a percentage like "25%", or a list of them, e.g. `[1, "25%", "100%"]`.', {
            type: ['integer', 'string', 'array'],
            minimum: 1,
            pattern: `^(?:[1-9][0-9]*%?|100%|${TEMPLATE_PATTERN})$`,
            items: {
              type: ['integer', 'string'],
              minimum: 1,
              pattern: `^(?:[1-9][0-9]*%?|${TEMPLATE_PATTERN})$`,
              'x-expected': 'a number >= 1 or a percentage like "25%"',
            },
            minItems: 1,
            'x-expected': 'a number >= 1, a percentage like "25%", or a list of them',
          }),
          max_fail_percentage: intOrTemplate('Halt the rollout when more than this percentage of a batch failed (0: after the first failure).', 0, 100),
          any_errors_fatal: doc('Any failed host halts the whole play (a boolean, or a "{{ … }}" template rendered when the run starts).', {
            type: ['boolean', 'string'],
            pattern: TEMPLATE_PATTERN,
            'x-expected': 'true, false or a "{{ … }}" template',
          }),
          strategy: doc('linear: every host finishes a task before the next task starts; free: each host goes at its own pace.', {
            enum: ['linear', 'free'],
          }),
          gather_facts: doc(
            "Gather the hosts' facts (`ansible_facts`, `ansible_os_family`, …) before pre_tasks. Not written: gathered only when the play reads a fact.",
            { type: 'boolean' },
          ),
          tags: tagsSchema,
          pre_tasks: taskList('tasks', 'Tasks run before `tasks`; the handlers they notify run right after them.'),
          roles: doc('Roles to run after `pre_tasks` and before `tasks`: names, or mappings with `role:` plus keywords and role parameters.', {
            type: 'array',
            items: {
              type: ['string', 'object'],
              minLength: 1,
              anyOf: [{ type: 'string' }, { required: ['role'] }, { required: ['name'] }],
              properties: { role: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 }, ...SHARED_KEYWORDS },
              'x-expected': 'a role name, or a mapping with `role:`',
            },
            'x-expected': 'a list of roles',
          }),
          tasks: taskList('tasks', 'The tasks, run in order.'),
          post_tasks: taskList('tasks', 'Tasks run after `tasks` and their handlers; the handlers they notify run right after them.'),
          handlers: doc('Tasks run at the end of the play when notified (by name or `listen` topic).', {
            type: 'array',
            items: { $ref: '#/definitions/handler' },
            'x-expected': 'a list of handlers',
          }),
        },
      },
      task_or_block: {
        if: { type: 'object', required: ['block'] },
        then: { $ref: '#/definitions/block' },
        else: { $ref: '#/definitions/task' },
      },
      block: {
        title: 'block',
        type: 'object',
        description: 'Tasks grouped under shared keywords; `rescue` runs when one fails, `always` runs in any case.',
        required: ['block'],
        additionalProperties: false,
        properties: {
          ...SHARED_KEYWORDS,
          block: taskList('tasks', 'The tasks of the block.'),
          rescue: taskList('tasks', 'Run when a task of the block failed; the host counts as rescued.'),
          always: taskList('tasks', 'Run after the block (and rescue), whatever happened.'),
        },
      },
      task: {
        title: 'task',
        type: 'object',
        description: 'A task: exactly one module plus keywords.',
        'x-expected': 'a task (a mapping with one module)',
        additionalProperties: false,
        properties: { ...TASK_KEYWORDS, ...includeProperties(), ...modules },
      },
      handler: {
        title: 'handler',
        type: 'object',
        description: 'A handler: a task run once at the end of the play when notified.',
        'x-expected': 'a handler (a mapping with one module)',
        additionalProperties: false,
        properties: {
          ...TASK_KEYWORDS,
          listen: stringOrList('Topics this handler also answers to in `notify`.'),
          ...modules,
        },
      },
      ...moduleDefinitions(),
    },
  };
}
