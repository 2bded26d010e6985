/**
 * A wake-up call for one waiting loop: `wait` resolves on the next `notify` or after `timeoutMs`.
 * A notify with nobody waiting is dropped; the loop re-checks its state before waiting again.
 */
export class Signal {
  private wake: (() => void) | null = null;

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(() => this.wake?.(), timeoutMs);
    });
  }

  notify(): void {
    this.wake?.();
  }
}
