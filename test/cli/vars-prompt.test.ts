import { describe, expect, it } from 'vitest';
import { answerVarsPrompts, type AskLine } from '../../src/cli/vars-prompt.js';
import { InputError } from '../../src/errors/input-error.js';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';

const PLAYBOOK = `- hosts: all
  vars: { keep: 1 }
  vars_prompt:
    - name: release
      prompt: Which release
      private: false
    - name: token
    - name: region
      default: eu
  tasks: []
`;

/** Answers from a script, recording the questions and whether each was secret. */
function scripted(answers: string[]): { ask: AskLine; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    ask: async (question, secret) => {
      asked.push(`${question}${secret ? ' (hidden)' : ''}`);
      return answers.shift() ?? '';
    },
  };
}

describe('vars_prompt', () => {
  const playbook = loadPlaybookText(PLAYBOOK, '/tmp/site.yml');

  it('asks each question on the terminal (private by default), an empty answer taking the default', async () => {
    const { ask, asked } = scripted(['2.9.1', 's3cr3t-token', '']);
    const answered = await answerVarsPrompts(playbook, {}, ask);
    expect(asked).toEqual(['Which release: ', 'token:  (hidden)', 'region [eu]:  (hidden)']);
    expect(answered.plays[0].vars).toEqual({ keep: 1, release: '2.9.1', token: 's3cr3t-token', region: 'eu' });
    // A private answer never reaches any output.
    expect(secretMasker.mask('the token is s3cr3t-token')).not.toContain('s3cr3t-token');
  });

  it('does not ask for what -e gives', async () => {
    const { ask, asked } = scripted(['x']);
    const answered = await answerVarsPrompts(playbook, { release: '3.0', token: 't' }, ask);
    expect(asked).toEqual(['region [eu]:  (hidden)']);
    expect(answered.plays[0].vars).toMatchObject({ region: 'x' });
    expect(answered.plays[0].vars).not.toHaveProperty('release');
  });

  it('without a terminal: the defaults, and an input error naming the -e for the others', async () => {
    const error = await answerVarsPrompts(playbook, {}, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '4: vars_prompt "release" needs an answer and there is no terminal to ask on; give it with -e release=VALUE (or set a default)',
      '7: vars_prompt "token" needs an answer and there is no terminal to ask on; give it with -e token=VALUE (or set a default)',
    ]);
    const answered = await answerVarsPrompts(playbook, { release: 'r', token: 't' }, undefined);
    expect(answered.plays[0].vars).toMatchObject({ region: 'eu' });
  });

  it('confirm asks twice and again when the answers differ', async () => {
    const confirmed = loadPlaybookText('- hosts: all\n  vars_prompt: [{name: pw, confirm: true}]\n  tasks: []\n', '/tmp/site.yml');
    const { ask, asked } = scripted(['a', 'b', 'c', 'c']);
    const answered = await answerVarsPrompts(confirmed, {}, ask);
    expect(asked).toHaveLength(4);
    expect(answered.plays[0].vars).toEqual({ pw: 'c' });
  });
});
