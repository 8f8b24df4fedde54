import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType } from 'ssh2';
import type { LoadedKey } from './private-keys.js';

/** What one host may be authenticated with. */
export interface AuthCredentials {
  readonly user: string;
  /** ssh-agent socket path. */
  readonly agent?: string;
  readonly keys: readonly LoadedKey[];
  readonly password?: string;
}

/** ssh2's authHandler plus a record of what was tried, for one clear error. */
export interface AuthPlan {
  readonly handler: AuthHandlerMiddleware;
  /** e.g. `agent`, `key /root/.ssh/id_ed25519`, `password`. */
  readonly tried: string[];
  /** Keys that could not be used, with why. */
  readonly unusable: string[];
}

/** Tries, in order: the agent, each private key, the password, keyboard-interactive answering the password. */
export function planAuthentication(creds: AuthCredentials): AuthPlan {
  const username = creds.user;
  const attempts: { label: string; type: AuthenticationType; method: AnyAuthMethod }[] = [];
  if (creds.agent) attempts.push({ label: 'agent', type: 'agent', method: { type: 'agent', username, agent: creds.agent } });
  for (const k of creds.keys) {
    if ('key' in k) attempts.push({ label: `key ${k.file}`, type: 'publickey', method: { type: 'publickey', username, key: k.key } });
  }
  const password = creds.password;
  if (password !== undefined) {
    attempts.push({ label: 'password', type: 'password', method: { type: 'password', username, password } });
    attempts.push({
      label: 'keyboard-interactive',
      type: 'keyboard-interactive',
      method: {
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
      },
    });
  }

  const tried: string[] = [];
  let next = 0;
  const handler: AuthHandlerMiddleware = (authsLeft, _partial, callback) => {
    while (next < attempts.length) {
      const attempt = attempts[next++];
      if (authsLeft && !authsLeft.includes(attempt.type === 'agent' ? 'publickey' : attempt.type)) continue;
      tried.push(attempt.label);
      return callback(attempt.method);
    }
    callback(false as unknown as AnyAuthMethod);
  };
  return { handler, tried, unusable: creds.keys.flatMap((k) => ('problem' in k ? [k.problem] : [])) };
}
