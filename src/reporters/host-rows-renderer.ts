import { EOL } from 'node:os';
import { DefaultRenderer, type ListrDefaultRendererOptions, type ListrDefaultRendererTask, type ListrEventManager } from 'listr2';

/** What the renderer asks of the reporter that owns the rows (see HostBoard). */
export interface HostRowsView {
  /** Which tasks (by index) get a row, and the summary line above them when collapsed. */
  layout(): { readonly visible: readonly number[]; readonly summary: string | null };
  /** The line above everything (play, batch, elapsed), or '' for none. */
  headline?(): string;
  /** Called with the renderer once it exists, so that the view can hold it still for a question. */
  bind?(renderer: HostRowsRenderer): void;
  /** The title of task `index`, recomputed at every frame (elapsed times move). */
  title(index: number): string;
  /** The status symbol of task `index`, or null to keep listr2's own (the spinner while active). */
  icon(index: number): string | null;
}

/** listr2 default-renderer options plus the host view. */
export interface HostRowsRendererOptions extends ListrDefaultRendererOptions {
  view?: HostRowsView;
}

/** Minimum time between two frames: at most ~10 redraws a second, however many events arrive. */
export const MIN_FRAME_MS = 90;

/**
 * listr2's default renderer with three changes for big fleets: redraws are throttled,
 * titles come from the view at every frame, and only the rows the view chooses are drawn
 * (under the view's headline, and its summary line when collapsed). Everything else — spinner, symbols, log-update,
 * stdout/stderr hijacking while drawing — is listr2's.
 */
export class HostRowsRenderer extends DefaultRenderer {
  static override nonTTY = true;
  static override rendererOptions: HostRowsRendererOptions = {
    ...DefaultRenderer.rendererOptions,
    formatOutput: 'truncate',
    showErrorMessage: false,
    showSkipMessage: false,
    collapseErrors: true,
    collapseSkips: true,
  };

  private readonly hostTasks: readonly ListrDefaultRendererTask[];
  private readonly shownTasks: ListrDefaultRendererTask[];
  private readonly view: HostRowsView | undefined;
  private lastFrameAt = 0;
  private held = false;

  constructor(tasks: ListrDefaultRendererTask[], options: HostRowsRendererOptions, events: ListrEventManager) {
    // The base renderer draws this array; create() refills it with the chosen rows each frame.
    const shown = [...tasks];
    super(shown, { ...HostRowsRenderer.rendererOptions, ...options }, events);
    this.hostTasks = tasks;
    this.shownTasks = shown;
    this.view = options.view;
    this.view?.bind?.(this);
  }

  /**
   * Runs `ask` with the rows erased and no frame drawn until it is done; `write` reaches the
   * terminal past listr2's capture of stdout and stderr. The next frame is drawn below.
   */
  async holdFor<T>(ask: (write: (text: string) => void) => Promise<T>): Promise<T> {
    // listr2 declares these private; they are its log-update and its uncaptured stdout.
    const inner = this as unknown as { updater?: { clear(): void }; logger: { process: { stdout: { write(text: string): unknown } } } };
    this.held = true;
    inner.updater?.clear();
    try {
      return await ask((text) => void inner.logger.process.stdout.write(text));
    } finally {
      this.held = false;
      // Not before listr2 has set up its log-update (a question asked before the first frame).
      if (inner.updater) this.update();
    }
  }

  override update(): void {
    if (this.held) return;
    const t = Date.now();
    if (t - this.lastFrameAt < MIN_FRAME_MS) return;
    this.lastFrameAt = t;
    super.update();
  }

  override create(options?: { tasks?: boolean; bottomBar?: boolean; prompt?: boolean }): string {
    if (!this.view) return super.create(options);
    const { visible, summary } = this.view.layout();
    this.shownTasks.splice(0, this.shownTasks.length, ...visible.map((i) => this.hostTasks[i]));
    for (const i of visible) this.hostTasks[i].title = this.view.title(i);
    const body = super.create(options);
    const top = [this.view.headline?.() ?? '', summary ?? ''].filter((l) => l !== '');
    return [...top, ...(body ? [body] : [])].join(EOL);
  }

  protected override style(task: ListrDefaultRendererTask, output = false): string {
    const i = this.hostTasks.indexOf(task);
    const icon = output || i < 0 || !this.view ? null : this.view.icon(i);
    return icon ?? super.style(task, output);
  }
}
