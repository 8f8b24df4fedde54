import type { EngineEvent, EventBus } from '../engine/events.js';
import type { SecretMasker } from '../errors/mask-secrets.js';
import { toReportTask } from './report-file.js';
import type { OutputStream, Reporter } from './reporter.js';

/** camelCase → snake_case, so that events and the report file name fields alike. */
function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeKey(k), snakeKeys(v)]));
  }
  return value;
}

/**
 * The JSON object written for an event. Field names are stable and snake_case: `type`
 * first, then the event's own fields (`duration_ms`, `not_reached`, …). A `task-end`
 * carries its result flattened, in the report's task shape plus `host`, `changed`, `diff`;
 * a `no_log` result carries no output.
 */
export function toJsonEvent(e: EngineEvent): Record<string, unknown> {
  if (e.type === 'task-end') {
    const r = e.result;
    return {
      type: e.type,
      host: r.host,
      ...toReportTask(r),
      changed: r.changed,
      ...(r.diff !== undefined && !r.censored ? { diff: r.diff } : {}),
    };
  }
  return snakeKeys(e) as Record<string, unknown>;
}

/** `--output json`: one JSON object per line per event, to stdout; every string masked. */
export class JsonReporter implements Reporter {
  constructor(
    private readonly stream: OutputStream,
    private readonly masker: SecretMasker,
  ) {}

  attach(bus: EventBus): void {
    bus.subscribe((e) => {
      this.stream.write(JSON.stringify(this.masker.maskDeep(toJsonEvent(e))) + '\n');
    });
  }

  async end(): Promise<void> {
    // Every event is already written as it happened.
  }
}
