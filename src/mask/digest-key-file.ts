/**
 * Where the finding digest key comes from: the config (`masking.digestKey`), a mounted file
 * (`masking.digestKeyFile`), or, when neither is given, a key generated on first start into
 * `<dataDir>/finding-digest.key` (mode 0600) and reused after. Every gateway instance of one
 * deployment must share the key for their digests to be comparable, so production setups
 * mount one. The key is never logged: errors name the file, not its content.
 *
 * File access goes through node:fs/promises, which Node, Bun and Deno all provide.
 */
import { createFindingDigester, DIGEST_KEY_MIN_BYTES, type FindingDigester } from './digest.ts';

export interface DigestKeySource {
  digestKey?: string | undefined;
  digestKeyFile?: string | undefined;
}

const GENERATED_NAME = 'finding-digest.key';

export async function openFindingDigester(source: DigestKeySource, dataDir: string): Promise<FindingDigester> {
  if (source.digestKey !== undefined) return createFindingDigester(new TextEncoder().encode(source.digestKey));
  const { readFile } = await import('node:fs/promises');
  if (source.digestKeyFile !== undefined) {
    let text: string;
    try {
      text = await readFile(source.digestKeyFile, 'utf8');
    } catch (error) {
      throw new Error(`finding digest key file ${source.digestKeyFile}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    return createFindingDigester(keyBytes(text.trim(), source.digestKeyFile));
  }
  return createFindingDigester(keyBytes(await generatedKey(dataDir), GENERATED_NAME));
}

/** A key file holds the key as text (base64url from `generatedKey`, or any 32+ characters). */
function keyBytes(text: string, where: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength < DIGEST_KEY_MIN_BYTES) throw new Error(`finding digest key in ${where}: at least ${DIGEST_KEY_MIN_BYTES} characters needed`);
  return bytes;
}

/** Reads the generated key, creating it first if there is none (exclusively: two starting instances agree). */
async function generatedKey(dataDir: string): Promise<string> {
  const { chmod, mkdir, readFile, stat, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, GENERATED_NAME);
  const random = crypto.getRandomValues(new Uint8Array(32));
  const fresh = btoa(String.fromCharCode(...random)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  try {
    await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`finding digest key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'not writable'}`);
  }
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}
