import { InputError, type InputProblem } from '../errors/input-error.js';
import { secretMasker } from '../errors/mask-secrets.js';
import type { Play, Playbook, VarsPrompt } from '../playbook/types.js';

/** Asks one question on the terminal; `secret` turns echo off. */
export type AskLine = (question: string, secret: boolean) => Promise<string>;

/** How many times a `confirm` prompt is asked before tpx gives up on answers that differ. */
const CONFIRM_TRIES = 3;

/**
 * Answers every play's `vars_prompt` before the run starts, as Ansible asks them: a variable
 * given with `-e` is not asked; otherwise the question is asked on the terminal (`ask`
 * undefined: there is none), an empty answer taking the `default`. Without a terminal the
 * default is used, and a prompt without one is an input error naming the `-e` to give.
 * Private answers are masked in every output. Returns the plays with the answers among
 * their vars.
 */
export async function answerVarsPrompts(playbook: Playbook, extraVars: Readonly<Record<string, unknown>>, ask: AskLine | undefined): Promise<Playbook> {
  const problems: InputProblem[] = [];
  const plays: Play[] = [];
  for (const play of playbook.plays) {
    const answers: Record<string, unknown> = {};
    for (const prompt of play.varsPrompt) {
      if (Object.hasOwn(extraVars, prompt.name)) continue;
      const answer = await answerOne(prompt, ask);
      if (answer === undefined) {
        problems.push({
          ...prompt.pos,
          message: `vars_prompt "${prompt.name}" needs an answer and there is no terminal to ask on; give it with -e ${prompt.name}=VALUE (or set a default)`,
        });
        continue;
      }
      if (prompt.private && typeof answer === 'string') secretMasker.add(answer);
      answers[prompt.name] = answer;
    }
    plays.push(Object.keys(answers).length === 0 ? play : { ...play, vars: { ...play.vars, ...answers } });
  }
  if (problems.length > 0) throw new InputError(problems);
  return { ...playbook, plays };
}

async function answerOne(prompt: VarsPrompt, ask: AskLine | undefined): Promise<unknown> {
  if (!ask) return prompt.default;
  const question = prompt.default === undefined ? `${prompt.prompt}: ` : `${prompt.prompt} [${String(prompt.default)}]: `;
  for (let attempt = 0; attempt < CONFIRM_TRIES; attempt++) {
    const first = await ask(question, prompt.private);
    const answer = first === '' && prompt.default !== undefined ? prompt.default : first;
    if (!prompt.confirm) return answer;
    if ((await ask(`confirm ${question}`, prompt.private)) === first) return answer;
    process.stderr.write('***** VALUES ENTERED DO NOT MATCH ****\n');
  }
  throw new InputError([{ ...prompt.pos, message: `vars_prompt "${prompt.name}": the answers did not match ${CONFIRM_TRIES} times` }]);
}
