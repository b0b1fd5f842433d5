import type { Identity } from '../identity/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { Grant, Policy } from '../policy/policy.ts';
import type { ExchangeRecorder, Outcome } from '../record/recorder.ts';
import type { OpenStreams } from '../lifecycle/open-streams.ts';
import type { RelayObserver } from '../stream/relay.ts';
import { UsageWatcher } from '../stream/usage.ts';

export interface ExchangeContext {
  id: string;
  startedAt: number;
  status: number;
  identity: Identity;
  grant: Grant;
  recorder: ExchangeRecorder | undefined;
  policy: Policy;
  openStreams: OpenStreams;
  log: Logger;
}

/**
 * Everything that listens to one relayed response. On the hot path it only keeps references;
 * usage accounting and the access log line run after the stream has ended.
 */
export function observeExchange(context: ExchangeContext): RelayObserver {
  const usage = new UsageWatcher();
  const { recorder } = context;
  context.openStreams.opened();
  return {
    chunk(bytes) {
      recorder?.chunk(bytes);
      usage.chunk(bytes);
    },
    end(outcome: Outcome, detail?: string) {
      const ended = outcome === 'complete' && context.status >= 400 ? 'upstream_error' : outcome;
      recorder?.end(ended, detail ?? (ended === 'upstream_error' && outcome === 'complete' ? `HTTP ${context.status}` : undefined));
      context.openStreams.closed();
      setTimeout(() => settle(context, usage, ended), 0);
    },
  };
}

function settle(context: ExchangeContext, usage: UsageWatcher, outcome: Outcome): void {
  const tokens = usage.total();
  if (tokens > 0) context.policy.recordUsage(context.identity, context.grant, tokens);
  context.log.log('info', 'exchange', {
    exchange: context.id,
    subject: context.identity.subject,
    issuer: context.identity.issuer,
    rule: context.grant.rule,
    status: context.status,
    outcome,
    tokens,
    ms: Date.now() - context.startedAt,
  });
}
