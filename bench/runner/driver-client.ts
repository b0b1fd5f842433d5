// The runner's handle on the load driver process: send a job, await its answer.

import { fileURLToPath } from 'node:url';
import type {
  BatchJob,
  BatchResult,
  DriverMessage,
  HoldJob,
  HoldingMessage,
  SaturateJob,
  SaturateResult,
} from '../driver/protocol.ts';
import { startProcess, type ManagedProcess } from './managed-process.ts';

type Without<T> = T extends unknown ? Omit<T, 'id' | 'kind'> : never;

export class DriverClient {
  private nextId = 1;
  private waiting = new Map<number, { kinds: string[]; resolve: (m: DriverMessage) => void; reject: (e: Error) => void }>();

  private constructor(private readonly proc: ManagedProcess) {
    proc.child.on('message', (m: DriverMessage) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      if (m.kind === 'failed') {
        this.waiting.delete(m.id);
        w.reject(new Error(`driver: ${m.message}`));
      } else if (w.kinds.includes(m.kind)) {
        this.waiting.delete(m.id);
        w.resolve(m);
      }
    });
    proc.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`driver exited (${code})`));
      this.waiting.clear();
    });
  }

  static start(logPath: string): DriverClient {
    const entry = fileURLToPath(new URL('../driver/driver.ts', import.meta.url));
    const proc = startProcess('driver', process.execPath, ['--import', 'tsx', entry], { logPath, ipc: true });
    return new DriverClient(proc);
  }

  get pid(): number {
    return this.proc.pid;
  }

  private expect<T extends DriverMessage>(id: number, kinds: string[], timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`driver did not answer job ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        kinds,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  batch(job: Without<BatchJob>): Promise<BatchResult> {
    const id = this.nextId++;
    const answer = this.expect<BatchResult>(id, ['batch'], job.timeoutMs * (job.streamsPerSlot + 1) + 10_000);
    this.proc.child.send({ ...job, kind: 'batch', id });
    return answer;
  }

  saturate(job: Without<SaturateJob>): Promise<SaturateResult> {
    const id = this.nextId++;
    const answer = this.expect<SaturateResult>(id, ['saturate'], job.durationMs + job.timeoutMs + 10_000);
    this.proc.child.send({ ...job, kind: 'saturate', id });
    return answer;
  }

  /** Opens the streams; resolves once they all delivered a first event, with a release hook. */
  async hold(job: Without<HoldJob>): Promise<{ holding: HoldingMessage; release: () => Promise<void> }> {
    const id = this.nextId++;
    const holding = this.expect<HoldingMessage>(id, ['holding'], job.timeoutMs + 10_000);
    this.proc.child.send({ ...job, kind: 'hold', id });
    const msg = await holding;
    return {
      holding: msg,
      release: async () => {
        const done = this.expect<DriverMessage>(id, ['hold'], job.timeoutMs + 10_000);
        this.proc.child.send({ kind: 'release', id });
        await done;
      },
    };
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
