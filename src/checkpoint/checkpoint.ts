/**
 * A checkpoint: one writer's chain head, signed. It names the writer's newest stored batch
 * (sequence number, name, SHA-256 of its bytes), how many records its chain holds, and the
 * checkpoint before it, so checkpoints form their own chain. Stored as a compact JWS under
 *
 *   checkpoints/<instance>/<YYYYMMDDTHHMMSSmmm>-<batch seq, 10 digits>.jws
 *
 * a prefix of its own, so a retention policy can cover checkpoints apart from batches.
 */
import type { JWK } from 'jose';
import type { SigningKey } from './signing-key.ts';

export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_PREFIX = 'checkpoints/';
const MEDIA_TYPE = 'scribe-checkpoint+jws';

export interface CheckpointBody {
  v: typeof CHECKPOINT_VERSION;
  instance: string;
  /** The newest batch the store had confirmed: the checkpoint vouches for it and every batch before it. */
  batch: { seq: number; name: string; sha256: string };
  /** Records in the chain up to that batch (its last record's seq + 1). */
  records: number;
  /** Start time of the batch's latest record, ISO 8601. */
  lastRecordAt: string;
  /** When the checkpoint was signed, ISO 8601. */
  at: string;
  /** The longest the writer lets a stored batch go without a checkpoint, ms. */
  intervalMs: number;
  /** The writer's previous checkpoint: name and SHA-256 of its bytes. */
  prev: { name: string; sha256: string } | null;
  /** Present on the checkpoint written at a clean shutdown. */
  final?: true;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '').replace('Z', '');
}

export function checkpointName(instance: string, atMs: number, batchSeq: number): string {
  return `${CHECKPOINT_PREFIX}${instance}/${stamp(atMs)}-${String(batchSeq).padStart(10, '0')}.jws`;
}

export function parseCheckpointName(name: string): { instance: string; seq: number } | undefined {
  const match = /^checkpoints\/([A-Za-z0-9_.]+)\/\d{8}T\d{9}-(\d{10})\.jws$/.exec(name);
  return match ? { instance: match[1] as string, seq: Number(match[2]) } : undefined;
}

// jose is loaded when a checkpoint is signed or opened: the names above are wanted by every
// reader of a store, most of which never touch a signature.
const loadJose = () => import('jose');

export async function signCheckpoint(body: CheckpointBody, key: SigningKey): Promise<string> {
  const { CompactSign } = await loadJose();
  return new CompactSign(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: MEDIA_TYPE })
    .sign(key.privateKey);
}

export type CheckpointVerifyKey = { key: CryptoKey | Uint8Array; kid: string | undefined; alg: string };

export async function importVerifyKey(jwk: JWK): Promise<CheckpointVerifyKey> {
  const alg = jwk.kty === 'OKP' ? 'EdDSA' : jwk.kty === 'EC' ? 'ES256' : undefined;
  if (!alg) throw new Error(`not a checkpoint key: kty ${String(jwk.kty)} (Ed25519 OKP or P-256 EC expected)`);
  const { kty, crv, x, y } = jwk;
  const { importJWK } = await loadJose();
  const key = await importJWK({ kty, crv, x, ...(y !== undefined ? { y } : {}) }, alg);
  return { key: key as CryptoKey | Uint8Array, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, alg };
}

/** The body of a checkpoint whose signature verifies with `key`; throws a sentence otherwise. */
export async function openCheckpoint(jws: string, key: CheckpointVerifyKey): Promise<CheckpointBody> {
  const { compactVerify, decodeProtectedHeader } = await loadJose();
  let verified;
  try {
    verified = await compactVerify(jws.trim(), key.key, { algorithms: [key.alg] });
  } catch {
    const kid = headerKid(jws, decodeProtectedHeader);
    const other = kid !== undefined && key.kid !== undefined && kid !== key.kid ? ` (signed with key ${kid}, not ${key.kid})` : '';
    throw new Error(`signature does not verify with the given key${other}`);
  }
  if (verified.protectedHeader.typ !== MEDIA_TYPE) throw new Error(`not a checkpoint (typ ${String(verified.protectedHeader.typ)})`);
  const body = JSON.parse(new TextDecoder().decode(verified.payload)) as CheckpointBody;
  if (body.v !== CHECKPOINT_VERSION) throw new Error(`unknown checkpoint version ${String(body.v)}`);
  return body;
}

function headerKid(jws: string, decodeProtectedHeader: (token: string) => { kid?: unknown }): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(jws.trim());
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
