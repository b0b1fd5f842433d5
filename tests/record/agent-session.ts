/**
 * A synthetic agent session in the shape Claude Code produces: a long system prompt and tool
 * list resent unchanged on every call, a history that grows by an assistant turn (often a
 * tool call) and a user turn (a tool result) each time, and a cache_control marker that moves
 * to the newest message. Deterministic, so tests and the benchmark see the same session.
 */
import type { Block } from './fixtures.ts';

function words(seed: number, count: number): string {
  const vocabulary = ['the', 'function', 'returns', 'value', 'config', 'request', 'stream', 'token', 'file', 'error', 'test', 'build', 'module', 'export', 'const', 'async', 'await', 'record', 'session', 'gateway'];
  let state = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out.push(vocabulary[state % vocabulary.length] as string);
  }
  return out.join(' ');
}

export const agentSystem = [
  { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
  { type: 'text', text: words(1, 2500), cache_control: { type: 'ephemeral' } },
];

export const agentTools = ['Read', 'Write', 'Edit', 'Bash', 'Grep', 'Glob', 'TodoWrite', 'WebFetch'].map((name, i) => ({
  name,
  description: words(100 + i, 250),
  input_schema: { type: 'object', properties: { path: { type: 'string', description: words(200 + i, 20) }, content: { type: 'string' } }, required: ['path'] },
}));

export interface AgentTurn {
  body: Record<string, unknown>;
  answer: Block[];
}

/** The requests and answers of an agent session of `turns` calls. */
export function agentSession(turns: number, sessionId?: string): AgentTurn[] {
  const history: Record<string, unknown>[] = [{ role: 'user', content: 'Please fix the failing test in src/record and explain the cause.' }];
  const out: AgentTurn[] = [];
  for (let turn = 0; turn < turns; turn++) {
    // The marker sits on the newest user message only, as Claude Code places it.
    const messages = history.map((message, i) => {
      if (i !== history.length - 1 || message.role !== 'user') return message;
      const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content as Record<string, unknown>[]);
      return { ...message, content: content.map((block, j) => (j === content.length - 1 ? { ...block, cache_control: { type: 'ephemeral' } } : block)) };
    });
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      messages,
      system: agentSystem,
      tools: agentTools,
      ...(sessionId ? { metadata: { user_id: JSON.stringify({ device_id: 'd1', account_uuid: 'a1', session_id: sessionId }) } } : {}),
      stream: true,
    };
    const last = turn === turns - 1;
    const answer: Block[] = last
      ? [{ type: 'text', text: `Done. ${words(turn, 60)}` }]
      : [
          { type: 'text', text: `Step ${turn}: ${words(turn + 7, 25)}` },
          { type: 'tool_use', id: `toolu_${turn}`, name: 'Read', input: { path: `src/record/file${turn}.ts` } },
        ];
    out.push({ body, answer });
    history.push({ role: 'assistant', content: answer });
    if (!last) {
      history.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${turn}`, content: words(turn + 1000, 300) }] });
    }
  }
  return out;
}
