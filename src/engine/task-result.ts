import type { SecretMasker } from '../errors/mask-secrets.js';
import type { RawResult } from './raw-result.js';
import type { TaskResult, TaskStatus } from './results.js';

/** What no_log puts in place of a task's output, in events, reports and results. */
export const NO_LOG_MESSAGE = 'the output has been hidden due to no_log: true';

export interface TaskResultInput {
  readonly play: string;
  readonly task: string;
  readonly host: string;
  readonly module: string;
  readonly raw: RawResult;
  readonly status: TaskStatus;
  readonly ignored: boolean;
  readonly durationMs: number;
  readonly noLog: boolean;
  /** The run's masker (RunContext.masker). */
  readonly masker: SecretMasker;
}

/** The reported shape of a raw result: the same for every host × task, censored by no_log, secrets masked. */
export function buildTaskResult(input: TaskResultInput): TaskResult {
  const { raw, noLog, masker } = input;
  const text = (value: unknown): string | undefined => (value === undefined ? undefined : masker.mask(asText(value)));
  const result: Record<string, unknown> = {
    play: input.play,
    task: input.task,
    host: input.host,
    module: input.module,
    status: input.status,
    changed: raw.changed === true,
    failed: raw.failed === true || raw.unreachable === true,
    skipped: raw.skipped === true,
    durationMs: input.durationMs,
  };
  if (input.ignored) result.ignored = true;
  if (raw.rc !== undefined) result.rc = raw.rc as number | null;
  if (noLog) {
    result.censored = true;
    if (raw.stdout !== undefined) result.stdout = NO_LOG_MESSAGE;
    if (raw.stderr !== undefined) result.stderr = NO_LOG_MESSAGE;
    result.msg = NO_LOG_MESSAGE;
    if (Array.isArray(raw.results)) result.results = raw.results.map(censorItem);
    return result as unknown as TaskResult;
  }
  if (raw.stdout !== undefined) result.stdout = text(raw.stdout);
  if (raw.stderr !== undefined) result.stderr = text(raw.stderr);
  if (raw.msg !== undefined) result.msg = text(raw.msg);
  if (raw.diff !== undefined) result.diff = text(raw.diff);
  if (Array.isArray(raw.results)) result.results = raw.results.map((r) => masker.maskDeep(r as Record<string, unknown>));
  return result as unknown as TaskResult;
}

function censorItem(item: unknown): Record<string, unknown> {
  const r = (item ?? {}) as Record<string, unknown>;
  return { censored: NO_LOG_MESSAGE, changed: r.changed === true, failed: r.failed === true, skipped: r.skipped === true };
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
