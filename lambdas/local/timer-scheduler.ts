import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { scheduledPostMessage } from '../contract.js';
import type { PostScheduler } from '../services/ports.js';

/** setTimeout's longest delay (~24.8 days); a later wake-up waits in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Wake {
  readonly at: string;
  readonly token: string;
}

/**
 * The embedded stack's stand-in for EventBridge Scheduler one-time schedules: one timer per scheduled post that
 * sends the same wake-up message (`scheduledPostMessage`) into the local ingest queue at the post's time. With a
 * `keepIn` file the schedules outlive the process, as schedules in AWS do: a restarted `npm start` arms them again
 * (one whose time passed meanwhile fires at once).
 */
export class TimerPostScheduler implements PostScheduler {
  private readonly wakes = new Map<string, Wake>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly send: (body: string) => void, private readonly keepIn?: string) {}

  /** Arm the schedules an earlier run kept (none without `keepIn` or a file). */
  async load(): Promise<void> {
    if (this.keepIn === undefined) return;
    let kept: Record<string, Wake>;
    try {
      kept = JSON.parse(await readFile(this.keepIn, 'utf8')) as Record<string, Wake>;
    } catch {
      return;
    }
    for (const [key, wake] of Object.entries(kept)) if (!this.wakes.has(key)) this.arm(key, wake);
  }

  async wakeAt(key: string, at: string, token: string): Promise<void> {
    this.arm(key, { at, token });
    await this.save();
  }

  async cancel(key: string): Promise<void> {
    if (!this.wakes.has(key)) return;
    this.disarm(key);
    await this.save();
  }

  /** The wake-ups waiting, by post key (what EventBridge would list in the schedule group). */
  get pending(): ReadonlyMap<string, Wake> {
    return this.wakes;
  }

  /** Stop every timer (the schedules stay in `keepIn` for the next run). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(key: string, wake: Wake): void {
    this.disarm(key);
    if (this.closed) return;
    this.wakes.set(key, wake);
    const wait = () => {
      const left = Date.parse(wake.at) - Date.now();
      if (left > 0) {
        // Not the process's reason to stay alive (`npm start` has its server, a test its own awaits).
        this.timers.set(key, setTimeout(wait, Math.min(left, MAX_TIMEOUT_MS)).unref());
        return;
      }
      // As a one-time schedule with `ActionAfterCompletion: DELETE`: fired once, then gone.
      this.timers.delete(key);
      this.wakes.delete(key);
      void this.save();
      this.send(scheduledPostMessage(key, wake.token));
    };
    wait();
  }

  private disarm(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.wakes.delete(key);
  }

  /** Write the schedules, one write after another (the last one written is the current set). */
  private save(): Promise<void> {
    const path = this.keepIn;
    if (path === undefined) return Promise.resolve();
    this.saving = this.saving.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(Object.fromEntries(this.wakes), null, 2)}\n`);
      await rename(temporary, path);
    }).catch(() => {
      // Keeping them is a convenience for the next run; a failed write loses nothing of this one.
    });
    return this.saving;
  }
}
