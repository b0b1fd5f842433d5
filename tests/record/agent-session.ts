/**
 * A synthetic agent session in the shape Claude Code produces: a long system prompt and tool
 * list resent unchanged on every call, a history that grows by an assistant turn (often a
 * tool call) and a user turn (a tool result) each time, and a cache_control marker that moves
 * to the newest message. Deterministic, so tests and the benchmark see the same session.
 */
import type { Block } from './fixtures.ts';

/** Deterministic text about as compressible as prose or code (a large made-up vocabulary). */
function words(seed: number, count: number): string {
  let state = seed + 1;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // Pick one of ~4000 words; each word's letters follow from its number.
    let word = Math.floor((next() / 2 ** 31) * 4000);
    const length = 2 + (word % 8);
    let text = '';
    for (let j = 0; j < length; j++) {
      word = (word * 31 + 7) % 9973;
      text += String.fromCharCode(97 + (word % 26));
    }
    out.push(text);
  }
  return out.join(' ');
}

/** How big the parts of a session are, in words of about five characters. */
export interface SessionProfile {
  systemWords: number;
  toolCount: number;
  toolWords: number;
  /** Tool results cycle through these sizes (file reads, command output, searches). */
  resultWords: number[];
}

/** Small parts: fast tests. */
export const lightProfile: SessionProfile = { systemWords: 2500, toolCount: 8, toolWords: 250, resultWords: [300] };

/**
 * Parts sized like a Claude Code session: a ~12 KB system prompt, ~16 tools with long
 * descriptions (~45 KB together) and tool results from a few hundred bytes to ~10 KB.
 */
export const claudeCodeProfile: SessionProfile = { systemWords: 2000, toolCount: 16, toolWords: 450, resultWords: [1200, 150, 600, 1800, 80, 400] };

const toolNames = ['Read', 'Write', 'Edit', 'Bash', 'Grep', 'Glob', 'TodoWrite', 'WebFetch', 'WebSearch', 'Task', 'NotebookEdit', 'MultiEdit', 'LS', 'BashOutput', 'KillShell', 'ExitPlanMode'];

function systemOf(profile: SessionProfile) {
  return [
    { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: 'text', text: words(1, profile.systemWords), cache_control: { type: 'ephemeral' } },
  ];
}

function toolsOf(profile: SessionProfile) {
  return toolNames.slice(0, profile.toolCount).map((name, i) => ({
    name,
    description: words(100 + i, profile.toolWords),
    input_schema: { type: 'object', properties: { path: { type: 'string', description: words(200 + i, 20) }, content: { type: 'string' } }, required: ['path'] },
  }));
}

export interface AgentTurn {
  body: Record<string, unknown>;
  answer: Block[];
}

/**
 * The requests and answers of an agent session of `turns` calls. Sessions with different
 * `variant`s share the system prompt and tools (one client version) but no answer or tool
 * result, as distinct real sessions would.
 */
export function agentSession(
  turns: number,
  sessionId?: string,
  profile: SessionProfile = lightProfile,
  opening = 'Please fix the failing test in src/record and explain the cause.',
  variant = 0,
): AgentTurn[] {
  const seed = variant * 100_003;
  const system = systemOf(profile);
  const tools = toolsOf(profile);
  const history: Record<string, unknown>[] = [{ role: 'user', content: opening }];
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
      system,
      tools,
      ...(sessionId ? { metadata: { user_id: JSON.stringify({ device_id: 'd1', account_uuid: 'a1', session_id: sessionId }) } } : {}),
      stream: true,
    };
    const last = turn === turns - 1;
    const answer: Block[] = last
      ? [{ type: 'text', text: `Done. ${words(seed + turn, 60)}` }]
      : [
          { type: 'text', text: `Step ${turn}: ${words(seed + turn + 7, 25)}` },
          { type: 'tool_use', id: `toolu_${turn}`, name: 'Read', input: { path: `src/record/file${turn}.ts` } },
        ];
    out.push({ body, answer });
    history.push({ role: 'assistant', content: answer });
    if (!last) {
      history.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${turn}`, content: words(seed + turn + 1000, profile.resultWords[turn % profile.resultWords.length] as number) }] });
    }
  }
  return out;
}
