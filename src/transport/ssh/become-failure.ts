import { ConnectionError } from '../../errors/connection-error.js';

/**
 * Why sudo did not run the command, from its stderr, as one clear ConnectionError of
 * kind `become`.
 */
export function describeBecomeFailure(host: string, stderr: string, passwordGiven: boolean, wrongPassword: boolean): ConnectionError {
  const text = stderr.trim();
  let message: string;
  if (wrongPassword || /incorrect password|Sorry, try again/i.test(text)) {
    message = `sudo on ${host} refused the become password (incorrect password)`;
  } else if (!passwordGiven && /password is required|a terminal is required/i.test(text)) {
    message = `sudo on ${host} needs a password: set become_password (or TPX_BECOME_PASSWORD, or --ask-become-pass)`;
  } else if (/command not found|not found/i.test(text) && /sudo/.test(text)) {
    message = `sudo is not installed on ${host}`;
  } else {
    const line = text.split('\n').find((l) => l.trim() !== '') ?? 'sudo failed without a message';
    message = `sudo on ${host} failed: ${line}`;
  }
  return new ConnectionError(host, 'become', message);
}
