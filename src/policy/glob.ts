/**
 * Shell-style globs for policy values: `*` is any run of characters (slashes included, so
 * "acme/*" covers every repository of acme), `?` is one character, anything else is literal.
 * Compiled once when the policy is built; a pattern without wildcards is a plain comparison.
 */
export type Glob = (value: string) => boolean;

export function compileGlob(pattern: string, options: { ignoreCase?: boolean } = {}): Glob {
  const ignoreCase = options.ignoreCase ?? false;
  if (!/[*?]/.test(pattern)) {
    const expected = ignoreCase ? pattern.toLowerCase() : pattern;
    return ignoreCase ? (value) => value.toLowerCase() === expected : (value) => value === expected;
  }
  if (pattern === '*') return () => true;
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
  return (value) => regex.test(value);
}

/** True when any of the patterns matches. */
export function compileGlobs(patterns: readonly string[], options: { ignoreCase?: boolean } = {}): Glob {
  const globs = patterns.map((pattern) => compileGlob(pattern, options));
  return (value) => globs.some((glob) => glob(value));
}
