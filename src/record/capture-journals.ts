/**
 * The recorder's journals of exchanges not yet in the spool: long-running exchanges are
 * journaled while they stream, exchanges left unbuilt at shutdown are saved raw, and the next
 * start turns what an earlier run left (in-flight journals, and starts never recorded) back
 * into captures to build. A journal goes once its exchange's record is durable in the spool.
 */
import type { FindingDigester } from '../mask/digest.ts';
import type { InflightJournal } from '../store/inflight-journal.ts';
import type { Spool } from '../store/spool.ts';
import type { StartJournal } from '../store/start-journal.ts';
import { decodeBatch } from './batch-file.ts';
import { ExchangeCapture } from './exchange-capture.ts';
import { journalLines, readJournal, startFromFacts, type JournalProgress } from './inflight.ts';
import type { ExchangeStart } from './recorder.ts';

/** Exchanges running longer than this are journaled while in flight, every interval. */
export const JOURNAL_AFTER_MS = 1000;
export const JOURNAL_INTERVAL_MS = 500;

interface JournalState {
  progress: JournalProgress;
  writing: Promise<void>;
}

const fresh = (): JournalState => ({ progress: { started: false, response: false, chunks: 0 }, writing: Promise.resolve() });

export class CaptureJournals {
  /** Exchanges begun and not yet ended, for the in-flight journal. */
  readonly live = new Set<ExchangeCapture>();
  /** Journal state of exchanges that have (or had) a journal, until their record is spooled. */
  private readonly journaled = new Map<string, JournalState>();

  constructor(
    private readonly journal: InflightJournal,
    private readonly starts: { journal: StartJournal<ExchangeStart>; leftovers: Record<string, unknown>[] },
    private readonly log: (message: string) => void,
  ) {}

  started(capture: ExchangeCapture): void {
    this.live.add(capture);
    this.starts.journal.started(capture.start);
  }

  ended(capture: ExchangeCapture): void {
    this.live.delete(capture);
  }

  /**
   * Off the hot path, brings the journal of every long-running exchange up to date. Short
   * exchanges end (and reach the spool within the batch age) before they are ever journaled.
   */
  journalInFlight(): void {
    const now = Date.now();
    for (const capture of this.live) {
      if (now - capture.start.startedAt < JOURNAL_AFTER_MS) continue;
      const id = capture.start.id;
      let state = this.journaled.get(id);
      if (!state) {
        state = fresh();
        this.journaled.set(id, state);
      }
      const lines = journalLines(capture, state.progress);
      state.writing = state.writing
        .then(() => this.journal.append(id, lines))
        .catch((error: Error) => this.log(`recording: cannot journal in-flight exchange ${id}: ${error.message}`));
    }
  }

  /** Saves captures not yet recorded (ended or still streaming) for the next start to record. */
  async saveUnbuilt(left: readonly ExchangeCapture[], digester: FindingDigester | undefined): Promise<void> {
    if (left.length === 0) return;
    this.log(`recording: stopping with ${left.length} exchange(s) not yet recorded; saving their captures to the spool, to be recorded at the next start`);
    for (const capture of left) {
      const id = capture.start.id;
      const state = this.journaled.get(id) ?? fresh();
      // Keyed like every finding's digest (a plain hash of a short password can be reversed).
      const hashes = digester ? await Promise.all(capture.findings.map((f) => digester.digest(f.original))) : [];
      await state.writing;
      await this.journal.append(id, journalLines(capture, state.progress, hashes)).catch((error: Error) => this.log(`recording: cannot save exchange ${id} to the spool: ${error.message}`));
    }
  }

  /** The records of these exchanges are durable in the spool: their journals go. */
  async spooled(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const state = this.journaled.get(id);
      if (!state) continue;
      await state.writing;
      await this.journal.remove(id).catch((error: Error) => this.log(`recording: cannot remove the journal of ${id}: ${error.message}`));
      this.journaled.delete(id);
    }
    await this.starts.journal.done(ids);
  }

  /** Records exchanges an earlier run left in flight, unless their records reached the spool. */
  async recover(spool: Spool, enqueue: (capture: ExchangeCapture) => void): Promise<void> {
    const leftovers = await this.journal.leftovers();
    if (leftovers.length === 0 && this.starts.leftovers.length === 0) return;
    const spooled = new Set<string>();
    for (const { name } of spool.pending()) {
      const { lines } = await decodeBatch(await spool.read(name));
      for (const line of lines) spooled.add((JSON.parse(line) as { id: string }).id);
    }
    for (const { id, lines } of leftovers) {
      const got = readJournal(lines);
      if (!got || spooled.has(id)) {
        await this.journal.remove(id);
        continue;
      }
      this.log(`recording: recovering exchange ${id}, ${got.end ? 'served but not yet recorded' : 'in flight'} when the gateway stopped`);
      this.journaled.set(id, { progress: { started: true, response: true, chunks: got.chunks.length, ended: got.end !== undefined }, writing: Promise.resolve() });
      enqueue(ExchangeCapture.recovered(got.start, got, () => {}));
    }
    await this.recoverStarts(spooled, enqueue);
  }

  /** Exchanges an earlier run began and never recorded, not even in the in-flight journal. */
  private async recoverStarts(spooled: ReadonlySet<string>, enqueue: (capture: ExchangeCapture) => void): Promise<void> {
    const accounted: string[] = [];
    for (const facts of this.starts.leftovers) {
      const id = String(facts.id);
      if (spooled.has(id) || this.journaled.has(id)) {
        accounted.push(id);
        continue;
      }
      this.log(`recording: exchange ${id} began before the gateway stopped and was never recorded; recording that it started`);
      const start = startFromFacts(facts);
      const capture = ExchangeCapture.recovered(start, { start, chunks: [] }, () => {});
      capture.detail = 'the gateway stopped before the exchange ended; only its start had been journaled';
      enqueue(capture);
    }
    await this.starts.journal.done(accounted);
  }

  close(): Promise<void> {
    return this.starts.journal.close();
  }
}
