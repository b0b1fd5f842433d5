import type { Gateway } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { Limits } from '../policy/index.ts';
import { ConfigError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { assembleReloadable } from './assemble.ts';

/** Sections a reload cannot change in a running process: they need a restart. */
const FIXED = ['server', 'identity', 'recording', 'metrics'] as const;

export interface ReloadContext {
  gateway: Gateway;
  env: Record<string, string | undefined>;
  limits: Limits;
  /** Where reload reports go (stderr, like start-up's). */
  say(line: string): void;
}

/**
 * Reloads policy rules, connections and masking rules from the config file (SIGHUP). A file
 * start-up would refuse is refused with the same messages and the running config stays; calls
 * in flight, open streams among them, finish with the parts they started with. Reloads run
 * one at a time, in the order they were asked for.
 */
export function createReloader(context: ReloadContext, running: GatewayConfig): () => Promise<boolean> {
  let queue: Promise<boolean> = Promise.resolve(true);
  const reloadOnce = async (): Promise<boolean> => {
    let next: GatewayConfig;
    try {
      next = await loadConfig(context.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      context.say(`scribe: reload refused, the running config stays: ${error.message}`);
      return false;
    }
    // The process keeps running with the sections it started with; say which changes wait.
    const fixed: string[] = FIXED.filter((section) => JSON.stringify(next[section]) !== JSON.stringify(running[section]));
    if (JSON.stringify(next.policy.redis) !== JSON.stringify(running.policy.redis)) fixed.push('policy.redis');
    let parts;
    try {
      parts = await assembleReloadable(next, { limits: context.limits, metrics: context.gateway.metrics });
    } catch (error) {
      context.say(`scribe: reload refused, the running config stays: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    context.gateway.reload(parts);
    const rules = next.policy.rules.length;
    context.say(
      `scribe: reloaded: ${rules} policy rule(s), connection(s) ${[...parts.connections.keys()].join(', ')}, masking ${next.masking.enabled ? 'on' : 'off'}` +
        (fixed.length > 0 ? `; changes to ${fixed.join(', ')} take effect only after a restart` : ''),
    );
    return true;
  };
  return () => {
    queue = queue.then(reloadOnce, reloadOnce);
    return queue;
  };
}
