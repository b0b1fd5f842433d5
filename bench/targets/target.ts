// What the runner needs from every system under test: how to start it in front of the
// simulator, where to send requests, and which process to measure.

import type { TargetEndpoint } from '../driver/protocol.ts';

export interface TargetContext {
  /** Base URL of the upstream simulator, e.g. http://127.0.0.1:4000 */
  simulatorUrl: string;
  /** A private scratch directory for this target (configs, logs, data). */
  workDir: string;
  /** Repository root (for Scribe's entry points and node_modules). */
  repoRoot: string;
  /** When set, Node-based targets write V8 CPU profiles (--cpu-prof) here on exit. */
  cpuProfileDir?: string;
}

export interface RunningTarget {
  endpoint: TargetEndpoint;
  /** Root pid of the proxy's process tree; undefined for "direct" (no proxy). */
  pid: number | undefined;
  logPath: string | undefined;
  stop(): Promise<void>;
}

export interface TargetDefinition {
  /** Stable id used in results, e.g. "scribe-node-on". */
  id: string;
  /** Human label for tables and the chart. */
  label: string;
  /** Why the target cannot run here, or undefined when it can. */
  unavailableReason(repoRoot: string): string | undefined;
  start(ctx: TargetContext): Promise<RunningTarget>;
}

/** Headers any Anthropic SDK sends; the key is a dummy (the simulator checks nothing). */
export function anthropicHeaders(): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    'anthropic-version': '2023-06-01',
    'x-api-key': 'sk-ant-bench-dummy',
    'user-agent': 'scribe-bench/1',
  };
}
