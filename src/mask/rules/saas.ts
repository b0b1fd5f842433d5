/** Developer and productivity services: Postman, Linear, Notion, Figma. */
import { ALNUM, B64URL, HEX } from './charset.ts';
import type { Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

export const saasRules: Rule[] = [
  tokenRule({ id: 'postman-api-key', keywords: ['PMAK-'], then: [run(HEX, 24), '-', run(HEX, 34)] }),
  tokenRule({ id: 'linear-api-key', keywords: ['lin_api_'], then: [run(ALNUM, 40)] }),
  tokenRule({ id: 'notion-integration-token', keywords: ['secret_'], then: [run(ALNUM, 43)] }),
  tokenRule({ id: 'notion-api-token', keywords: ['ntn_'], then: [run(ALNUM, 40, 50)] }),
  tokenRule({ id: 'figma-token', keywords: ['figd_'], then: [run(B64URL, 40, 60)] }),
];
