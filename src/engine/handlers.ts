import type { Play, Task } from '../playbook/types.js';
import type { HostRuntime } from './host-runtime.js';

/**
 * A changed task notifies handlers: each `notify` entry names a handler or a `listen` topic.
 * A handler notified several times runs once.
 */
export function notifyHandlers(play: Play, host: HostRuntime, task: Task): void {
  for (const topic of task.notify) {
    for (const handler of play.handlers) {
      if (handler.name === topic || handler.listen.includes(topic)) host.notified.add(handler);
    }
  }
}
