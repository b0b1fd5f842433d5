import type { ConnectionConfig } from './config.ts';

export type PromptRule = 'allow' | 'mask' | 'block';

/**
 * What the gateway does on one connection, resolved once at start-up from the connection's
 * own switches and the gateway-wide defaults, so a call reads it and decides nothing.
 */
export interface ConnectionSwitches {
  /** false: the exchange leaves only a minimal audit line, without bodies. */
  readonly recording: boolean;
  /** Redact secrets in answers. */
  readonly maskAnswers: boolean;
  readonly prompts: PromptRule;
}

/** The gateway-wide settings a connection's switches default to. */
export interface SwitchDefaults {
  recording: boolean;
  masking: boolean;
  /** masking.prompts: per connection name, "*" for any. */
  prompts: Record<string, PromptRule>;
}

/** The defaults from the gateway-wide sections; masking off gateway-wide has always meant no prompt scanning either. */
export function switchDefaults(config: { recording: { enabled: boolean }; masking: { enabled: boolean; prompts: Record<string, PromptRule> } }): SwitchDefaults {
  return {
    recording: config.recording.enabled,
    masking: config.masking.enabled,
    prompts: config.masking.enabled ? config.masking.prompts : { '*': 'allow' },
  };
}

export function resolveSwitches(name: string, config: ConnectionConfig, defaults: SwitchDefaults): ConnectionSwitches {
  return {
    recording: config.recording === undefined ? defaults.recording : config.recording === 'on',
    maskAnswers: config.masking === undefined ? defaults.masking : config.masking === 'on',
    prompts: config.prompts ?? defaults.prompts[name] ?? defaults.prompts['*'] ?? 'allow',
  };
}

/** Whether prompts on this connection are scanned at all: allow still records what it finds, when masking is on. */
export function scansPrompts(switches: ConnectionSwitches): boolean {
  return switches.prompts !== 'allow' || switches.maskAnswers;
}
