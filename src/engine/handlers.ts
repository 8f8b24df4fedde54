import type { Play, Task } from '../playbook/types.js';
import type { HostRuntime } from './host-runtime.js';

/**
 * A changed task notifies handlers: each `notify` entry names a handler (also as
 * `ROLE : NAME` for a role's handler) or a `listen` topic.
 * A handler notified several times runs once.
 */
export function notifyHandlers(play: Play, host: HostRuntime, task: Task): void {
  for (const topic of task.notify) {
    for (const handler of play.handlers) {
      const named = handler.name === topic || (handler.role !== undefined && `${handler.role} : ${handler.name}` === topic);
      if (named || handler.listen.includes(topic)) host.notified.add(handler);
    }
  }
}
