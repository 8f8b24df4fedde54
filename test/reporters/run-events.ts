import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { createReporters } from '../../src/reporters/create-reporters.js';
import type { ReporterOptions } from '../../src/reporters/reporter.js';
import { CaptureStream } from './fake-stream.js';

/** Runs scripted events through the reporters `options` asks for and returns what they wrote. */
export async function runEvents(
  events: readonly EngineEvent[],
  options: ReporterOptions & { tty?: boolean } = {},
): Promise<{ out: CaptureStream; err: CaptureStream }> {
  const out = new CaptureStream({ isTTY: options.tty ?? false, columns: 80, rows: 30 });
  const err = new CaptureStream();
  const bus = new EventBus();
  const reporter = createReporters({ stdout: out, stderr: err, env: {}, masker: new SecretMasker(), ...options });
  reporter.attach(bus);
  for (const e of events) bus.emit(e);
  await reporter.end();
  return { out, err };
}
