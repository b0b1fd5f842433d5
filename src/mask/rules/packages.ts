/** Package registries: publishing tokens for npm, PyPI, RubyGems, crates.io and others. */
import { ALNUM, B64URL, HEX, charset } from './charset.ts';
import type { Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

export const packageRules: Rule[] = [
  tokenRule({ id: 'npm-token', keywords: ['npm_'], then: [run(ALNUM, 36)] }),
  // PyPI API tokens are macaroons: "pypi-" and base64 of a header naming the index.
  tokenRule({ id: 'pypi-token', keywords: ['pypi-AgEIcHlwaS5vcmc', 'pypi-AgENdGVzdC5weXBpLm9yZw'], then: [run(B64URL, 50, 400)] }),
  tokenRule({ id: 'rubygems-api-key', keywords: ['rubygems_'], then: [run(HEX, 48)] }),
  tokenRule({ id: 'crates-io-token', keywords: ['cio'], then: [run(ALNUM, 32)] }),
  tokenRule({ id: 'clojars-token', keywords: ['CLOJARS_'], then: [run(charset('a-z0-9'), 60)] }),
  tokenRule({ id: 'jfrog-api-key', keywords: ['AKCp'], then: [run(ALNUM, 65, 75)] }),
];
