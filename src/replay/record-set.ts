/**
 * A set of records read from a store, with what a reader needs to make sense of them: lookup
 * by exchange and session, and the full request of any exchange rebuilt from history deltas
 * and definitions stored once.
 */
import { decodeBody, rebuildJsonBody, type BodyContext } from '../record/body-form.ts';
import { conversationOf } from '../record/history-delta.ts';
import type { ExchangeRecord } from '../record/record.ts';

export class RecordSet implements BodyContext {
  private readonly byId = new Map<string, ExchangeRecord>();
  private readonly definitions = new Map<string, unknown>();
  private readonly conversations = new Map<string, Promise<readonly unknown[]>>();

  constructor(readonly records: readonly ExchangeRecord[]) {
    for (const record of records) {
      this.byId.set(record.id, record);
      for (const [hash, value] of Object.entries(record.defs ?? {})) this.definitions.set(hash, value);
    }
  }

  get(exchangeId: string): ExchangeRecord | undefined {
    return this.byId.get(exchangeId);
  }

  /** The exchanges of a session, in the order they started. */
  session(sessionId: string): ExchangeRecord[] {
    return this.records.filter((r) => r.session.id === sessionId);
  }

  definition(hash: string): unknown {
    return this.definitions.get(hash);
  }

  conversation(exchangeId: string): Promise<readonly unknown[]> {
    let cached = this.conversations.get(exchangeId);
    if (!cached) {
      cached = this.rebuildConversation(exchangeId);
      this.conversations.set(exchangeId, cached);
    }
    return cached;
  }

  private async rebuildConversation(exchangeId: string): Promise<readonly unknown[]> {
    const record = this.byId.get(exchangeId);
    if (!record) throw new Error(`parent exchange ${exchangeId} is not in the store`);
    const body = record.request.body;
    if (body.form !== 'json') throw new Error(`parent exchange ${exchangeId} has no JSON body`);
    const messages = (await rebuildJsonBody(body, this)).messages;
    return conversationOf(Array.isArray(messages) ? messages : [], record.response?.message ?? null);
  }

  /** The exact bytes of the request body the exchange forwarded. */
  requestBody(exchangeId: string): Promise<Uint8Array> {
    const record = this.byId.get(exchangeId);
    if (!record) throw new Error(`exchange ${exchangeId} is not in the store`);
    return decodeBody(record.request.body, this);
  }
}
