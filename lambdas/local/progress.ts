/**
 * A progress line for long local runs: on a terminal, one line rewritten in place; otherwise (CI, a pipe) a plain
 * line every few seconds, so logs show progress without thousands of lines.
 */
export class ProgressLine {
  private lastPlain = 0;
  private shown = false;
  private readonly started = performance.now();

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout, private readonly plainEveryMs = 5000) {}

  /** `what` so far: `done` of `total`, with the rate and the time left. */
  update(what: string, done: number, total: number): void {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 && done < total ? ` · ~${Math.ceil((total - done) / rate)} s left` : '';
    this.show(`${what} ${done}/${total}${rate > 0 ? ` · ${rate.toFixed(rate < 10 ? 1 : 0)}/s` : ''}${left}`);
  }

  show(text: string): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\u001b[2K${text}`);
      this.shown = true;
    } else if (performance.now() - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = performance.now();
      this.stream.write(`${text}\n`);
    }
  }

  /** End the line (on a terminal), so what is printed next starts on its own. */
  done(): void {
    if (this.shown) this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}
