// The baseline: the driver talks to the simulator with no proxy in between.

import { anthropicHeaders, type TargetDefinition } from './target.ts';

export const directTarget: TargetDefinition = {
  id: 'direct',
  label: 'direct (no proxy)',
  unavailableReason: () => undefined,
  start: async (ctx) => ({
    endpoint: { url: `${ctx.simulatorUrl}/v1/messages`, headers: anthropicHeaders() },
    pid: undefined,
    logPath: undefined,
    stop: async () => undefined,
  }),
};
