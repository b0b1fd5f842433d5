/**
 * The masking corpus: generated positives (a secret in a context, with its exact span) over
 * every credential type and form, and benign texts that look dangerous. Seeded: the same on
 * every run.
 */
import { benignKinds } from './benign.ts';
import { credentialTypes, type Context, type CredentialType } from './credentials.ts';
import { Random } from './random.ts';

export interface Positive {
  type: string;
  text: string;
  /** The secret's span in text, [start, end): after its public prefix, before its public suffix. */
  start: number;
  end: number;
}

export interface Benign {
  kind: string;
  text: string;
}

/** Where a self-identifying token appears: shell, config files, code, prose, logs, headers. */
function tokenContexts(r: Random, name: string): Context[] {
  const NAME = name.toUpperCase().replaceAll('-', '_');
  return [
    [`export ${NAME}=`, '\n'],
    [`{"${name}": "`, '", "timeout": 30}'],
    [`  ${name.replaceAll('-', '_')}: `, '\n'],
    ["Sure, I've set it to ", ' in your config; rotate it after testing.'],
    ['```\n', '\n```\n'],
    [`client = Client(${r.pick(['key', 'credential', 'auth'])}="`, '")'],
    [`2026-11-28T12:00:01Z INFO using credential `, ' for upload'],
    [`${r.int(100, 1999)}  ./deploy.sh --target prod `, '\n'],
    ['<td>', '</td>'],
    ['value was ', ', not the old one.'],
  ];
}

/** How many characters at the start and at the end of a credential are its public format. */
function publicFraming(secret: string, spec: CredentialType): [number, number] {
  const { publicPrefix, publicSuffix } = spec;
  let start = 0;
  if (typeof publicPrefix === 'string') {
    if (!secret.startsWith(publicPrefix)) throw new Error(`${secret.slice(0, 20)} does not start with ${publicPrefix}`);
    start = publicPrefix.length;
  } else if (publicPrefix) start = publicPrefix.exec(secret)?.[0].length ?? 0;
  const end = publicSuffix ? (publicSuffix.exec(secret)?.[0].length ?? 0) : 0;
  return [start, end];
}

export function buildCorpus(seed = 0xc0ffee, perType = 9, benignPerKind = 60): { positives: Positive[]; benign: Benign[] } {
  const r = new Random(seed);
  const positives: Positive[] = [];
  for (const [type, spec] of Object.entries(credentialTypes)) {
    for (let i = 0; i < perType; i++) {
      const contexts = spec.contexts ? spec.contexts(r, type) : tokenContexts(r, type);
      const [before, after] = contexts[i % contexts.length] ?? r.pick(contexts);
      const secret = spec.secret(r);
      const [publicStart, publicEnd] = publicFraming(secret, spec);
      positives.push({ type, text: before + secret + after, start: before.length + publicStart, end: before.length + secret.length - publicEnd });
    }
  }
  const benign: Benign[] = [];
  for (const [kind, make] of Object.entries(benignKinds)) {
    for (let i = 0; i < benignPerKind; i++) benign.push({ kind, text: make(r) });
  }
  return { positives, benign };
}
