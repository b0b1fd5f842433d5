/**
 * Values that only look like credentials: documentation examples, templates and masks.
 * Redacting them would only make answers about configuration harder to read.
 */
const PLACEHOLDER_WORDS = [
  'your_', 'your-', 'yourapi', 'yourtoken', 'yoursecret', 'yourkey', 'yourpass',
  'example', 'placeholder', 'changeme', 'change_me', 'change-me', 'replace', 'insert',
  'dummy', 'redacted', 'sample', 'fake', '_here', '-here', 'xxxx', 'abcdefghij', '1234567890',
];
/** Well-known public example values from documentation (the jwt.io sample token's signature). */
const KNOWN_EXAMPLES = ['SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'];
const TEMPLATE_MARKS = ['<', '>', '${', '{{', '%s', '****', '...', '…', '[REDACTED'];

/** Long spans (PEM blocks, long tokens) are random enough to contain short words by chance. */
const WORD_CHECK_MAX_LENGTH = 200;

export function looksLikePlaceholder(value: string): boolean {
  for (const mark of TEMPLATE_MARKS) if (value.includes(mark)) return true;
  for (const example of KNOWN_EXAMPLES) if (value.includes(example)) return true;
  if (value.length <= WORD_CHECK_MAX_LENGTH) {
    const lower = value.toLowerCase();
    for (const word of PLACEHOLDER_WORDS) if (lower.includes(word)) return true;
  }
  // A random body has many different characters at its end; "ghp_0000…0" or "…aaaa" does not.
  return distinct(value.slice(-16)) < 4;
}

function distinct(value: string): number {
  return new Set(value).size;
}
