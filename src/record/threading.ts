/**
 * Sessions and threads. A session id comes from the caller when it sends one (Claude Code's
 * x-claude-code-session-id header, or the session_id inside its metadata.user_id); otherwise
 * an exchange whose messages continue an earlier exchange of the same identity joins that
 * exchange's session, and either way the earlier exchange becomes its parent. The index lives
 * in memory, bounded, per gateway instance: a parent is always in the same writer's chain.
 */
import { prefixHashes } from './canonical.ts';

export type SessionSource = 'header' | 'metadata' | 'inferred' | 'new';

interface Remembered {
  exchangeId: string;
  sessionId: string;
  /** Messages in the remembered prefix. */
  length: number;
}

export interface ParentMatch extends Remembered {
  /** The parent's conversation, when still cached: what a history delta is expressed against. */
  conversation?: readonly unknown[];
}

/** The session id a caller sent, from a header or Claude Code's metadata.user_id. */
export function callerSession(
  headers: Record<string, string>,
  body: Record<string, unknown> | undefined,
  sessionHeaders: readonly string[],
): { id: string; source: SessionSource } | undefined {
  for (const name of sessionHeaders) {
    const value = headers[name.toLowerCase()];
    if (value) return { id: value, source: 'header' };
  }
  const metadata = body?.metadata;
  const userId = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>).user_id : undefined;
  if (typeof userId !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(userId);
    const sessionId = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).session_id : undefined;
    if (typeof sessionId === 'string' && sessionId) return { id: sessionId, source: 'metadata' };
  } catch {
    // Older Claude Code versions used "user_<hash>_account_<uuid>_session_<uuid>".
    const match = /_session_([0-9a-f-]{36})$/i.exec(userId);
    if (match?.[1]) return { id: match[1], source: 'metadata' };
  }
  return undefined;
}

export interface ThreadIndexLimits {
  /** Prefix keys remembered (two per exchange). */
  maxKeys: number;
  /** Approximate bytes of conversations cached for history deltas. */
  maxConversationBytes: number;
}

export class ThreadIndex {
  private readonly keys = new Map<string, Remembered>();
  private readonly conversations = new Map<string, { conversation: readonly unknown[]; bytes: number }>();
  private conversationBytes = 0;

  constructor(private readonly limits: ThreadIndexLimits = { maxKeys: 100_000, maxConversationBytes: 64 * 1024 * 1024 }) {}

  /**
   * The longest earlier conversation of this identity that `hashes` (prefix hashes of a
   * request's messages) strictly extends, within `sessionId` when the caller named one.
   */
  findParent(identityKey: string, hashes: readonly string[], sessionId?: string): ParentMatch | undefined {
    for (let length = hashes.length - 2; length >= 1; length--) {
      const found = this.keys.get(`${identityKey}\n${hashes[length]}`);
      if (!found || found.length !== length) continue;
      if (sessionId !== undefined && found.sessionId !== sessionId) continue;
      const cached = this.conversations.get(found.exchangeId);
      return cached ? { ...found, conversation: cached.conversation } : { ...found };
    }
    return undefined;
  }

  /** Remembers an exchange's request and the conversation it left (request plus answer). */
  remember(identityKey: string, exchangeId: string, sessionId: string, messages: readonly unknown[], conversation: readonly unknown[], bytes: number, requestHashes = prefixHashes(messages)): void {
    const conversationHashes = conversation.length > messages.length ? prefixHashes(conversation, requestHashes) : requestHashes;
    for (const hashes of [requestHashes, conversationHashes]) {
      const length = hashes.length - 1;
      if (length === 0) continue;
      const key = `${identityKey}\n${hashes[length]}`;
      this.keys.delete(key);
      this.keys.set(key, { exchangeId, sessionId, length });
    }
    this.conversations.set(exchangeId, { conversation, bytes });
    this.conversationBytes += bytes;
    this.evict();
  }

  private evict(): void {
    while (this.keys.size > this.limits.maxKeys) {
      const oldest = this.keys.keys().next().value as string;
      this.keys.delete(oldest);
    }
    while (this.conversationBytes > this.limits.maxConversationBytes && this.conversations.size > 1) {
      const [oldest, entry] = this.conversations.entries().next().value as [string, { bytes: number }];
      this.conversations.delete(oldest);
      this.conversationBytes -= entry.bytes;
    }
  }
}
