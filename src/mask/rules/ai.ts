/** AI and model-hosting providers. Formats from each provider's API key documentation. */
import { ALNUM, ALPHA, B64URL, HEX, charset } from './charset.ts';
import type { Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

export const aiRules: Rule[] = [
  // sk-ant-api03-<93 url-safe base64>AA; the version digits and length are not fixed forever.
  // The prefix with its version ("sk-ant-api03-") stays readable.
  tokenRule({ id: 'anthropic-api-key', keywords: ['sk-ant-api'], then: [run(charset('0-9'), 2), '-', run(B64URL, 80, 200)], redactFrom: 2 }),
  tokenRule({ id: 'anthropic-admin-key', keywords: ['sk-ant-admin'], then: [run(charset('0-9'), 2), '-', run(B64URL, 80, 200)], redactFrom: 2 }),
  tokenRule({ id: 'openai-project-key', keywords: ['sk-proj-'], then: [run(B64URL, 40, 250)] }),
  tokenRule({ id: 'openai-service-account-key', keywords: ['sk-svcacct-'], then: [run(B64URL, 40, 250)] }),
  tokenRule({ id: 'openai-admin-key', keywords: ['sk-admin-'], then: [run(B64URL, 40, 250)] }),
  // Legacy user keys: sk- and 48 alphanumerics with the "T3BlbkFJ" marker in the middle.
  tokenRule({
    id: 'openai-legacy-key',
    keywords: ['sk-'],
    then: [run(ALNUM, 48)],
    check: (v) => v.includes('T3BlbkFJ'),
  }),
  tokenRule({ id: 'openrouter-api-key', keywords: ['sk-or-v1-'], then: [run(HEX, 64)] }),
  tokenRule({ id: 'huggingface-token', keywords: ['hf_'], then: [run(ALPHA, 34)] }),
  tokenRule({ id: 'huggingface-org-token', keywords: ['api_org_'], then: [run(ALPHA, 34)] }),
  tokenRule({ id: 'replicate-api-token', keywords: ['r8_'], then: [run(ALNUM, 37)] }),
  tokenRule({ id: 'groq-api-key', keywords: ['gsk_'], then: [run(ALNUM, 52)] }),
  tokenRule({ id: 'perplexity-api-key', keywords: ['pplx-'], then: [run(ALNUM, 48)] }),
  tokenRule({ id: 'xai-api-key', keywords: ['xai-'], then: [run(ALNUM, 80)] }),
  // LangSmith: lsv2_pt_ (personal) or lsv2_sk_ (service), 32 hex, "_", 10 hex.
  tokenRule({ id: 'langsmith-api-key', keywords: ['lsv2_pt_', 'lsv2_sk_'], then: [run(HEX, 32), '_', run(HEX, 10)] }),
];
