/**
 * Runs `tick` every `intervalMs`, never two at once; `kick` runs one now (or right after the current one)
 * so the tray reflects an action without waiting for the next interval.
 */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private active = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    void this.run();
  }

  stop(): void {
    this.active = false;
    this.again = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  kick(): void {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.tick();
    } catch {
      // tick reports its own failures; the loop must survive them
    } finally {
      this.running = false;
    }
    if (!this.active) return;
    if (this.again) {
      this.again = false;
      void this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.intervalMs);
  }
}
