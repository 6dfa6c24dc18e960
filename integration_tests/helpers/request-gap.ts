/** How long the connector paused after an answer, seen from the emulator's request log. */
import type { Emulator } from '../emulator/index.js';

/**
 * Watches the emulator's request log while `run` goes on, and returns the milliseconds between the
 * first answer with `status` and the request after it (undefined if either never came). Measured
 * here rather than over the whole run, which a loaded machine or a first run's warm-up lengthens
 * whether or not the connector waited. The log is polled every 5 ms, so the figure is that close.
 */
export async function pauseAfterStatus(emulator: Emulator, status: number, run: Promise<unknown>): Promise<number | undefined> {
  let settled = false;
  void run.finally(() => (settled = true)).catch(() => undefined);
  let answeredAt: number | undefined;
  while (!settled) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const index = emulator.requests.findIndex((r) => r.status === status);
    if (index < 0) continue;
    answeredAt ??= Date.now();
    if (emulator.requests.length > index + 1) return Date.now() - answeredAt;
  }
  return undefined;
}
