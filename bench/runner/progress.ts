// Progress lines on stderr while the benchmark runs (stdout is kept for the final table).

export class Progress {
  private readonly started = performance.now();
  private done = 0;

  constructor(private total: number) {}

  addToTotal(n: number): void {
    this.total += n;
  }

  /** Logs one finished step: "[ 12/120  0:34] message". */
  step(message: string): void {
    this.done++;
    this.log(`[${String(this.done).padStart(String(this.total).length)}/${this.total}] ${message}`);
  }

  log(message: string): void {
    const s = Math.round((performance.now() - this.started) / 1000);
    const clock = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    process.stderr.write(`${clock.padStart(5)} ${message}\n`);
  }
}

export function ms(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)} ms` : 'n/a';
}
