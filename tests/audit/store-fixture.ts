/**
 * A store written by the real recorder for audit tests: two writers, sessions by alice and bob
 * spread over three days, one answer with a redaction finding, one failed exchange.
 */
import { createRecorder } from '../../src/record/index.ts';
import { agentSession } from '../record/agent-session.ts';
import { alice, bob, playStream, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';
import { newExchangeId } from '../../src/record/exchange-id.ts';

export const DAY = 86_400_000;

export interface AuditFixture {
  root: string;
  store: string;
  /** Session id -> exchange ids in order. */
  sessions: Map<string, string[]>;
  /** Exchange id -> the request body bytes as forwarded. */
  bodies: Map<string, Uint8Array>;
  now: number;
}

export async function writeAuditStore(options: { store?: string; gcsEndpoint?: string } = {}): Promise<AuditFixture> {
  const root = await tempDir('audit');
  const now = Date.now();
  const sessions = new Map<string, string[]>();
  const bodies = new Map<string, Uint8Array>();
  const plan = [
    { writer: 'gw-a', identity: alice, session: 'sess-alice-old', startedAt: now - 2 * DAY, turns: 4 },
    { writer: 'gw-b', identity: bob, session: 'sess-bob', startedAt: now - DAY, turns: 3 },
    { writer: 'gw-a', identity: alice, session: 'sess-alice-new', startedAt: now - 60_000, turns: 5 },
  ];
  for (const [index, step] of plan.entries()) {
    const config = configFor(`${root}/${step.writer}`, {
      ...(options.store ? { store: options.store } : { store: `file:${root}/store` }),
      ...(options.gcsEndpoint ? { gcsEndpoint: options.gcsEndpoint } : {}),
    });
    const recorder = await createRecorder(config, { instanceId: step.writer, log: () => {} });
    const ids: string[] = [];
    for (const [turn, { body, answer }] of agentSession(step.turns, step.session).entries()) {
      const startedAt = step.startedAt + turn * 1000;
      const start = startOf(body, { id: newExchangeId(startedAt), identity: step.identity, startedAt });
      ids.push(start.id);
      bodies.set(start.id, start.request.body);
      const secret = index === 2 && turn === 1;
      const failed = index === 1 && turn === 2;
      playStream(recorder, start, secret ? [{ type: 'text', text: 'the key is [REDACTED:aws-access-key-id]' }] : answer, {
        ...(failed ? { outcome: 'upstream_error', detail: 'overloaded' } : {}),
        ...(secret
          ? { during: (exchange) => exchange.finding({ rule: 'aws-access-key-id', where: 'response', block: 0, start: 11, end: 31, original: 'AKIA0000000000000000' }) }
          : {}),
      });
      await recorder.flush();
    }
    await recorder.close();
    sessions.set(step.session, ids);
  }
  return { root, store: options.store ?? `file:${root}/store`, sessions, bodies, now };
}
