/**
 * Exchange ids are UUIDv7 (RFC 9562): random like v4, but the first 48 bits are the start time
 * in ms. A reader given only an id can then look in the right hour of the store instead of
 * indexing all of it.
 */
export function newExchangeId(now = Date.now()): string {
  const bytes = ID_BYTES;
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  if (pooled + 10 > POOL.length) {
    crypto.getRandomValues(POOL);
    pooled = 0;
  }
  bytes.set(POOL.subarray(pooled, pooled + 10), 6);
  pooled += 10;
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  let hex = '';
  for (let i = 0; i < 16; i++) {
    hex += HEX[bytes[i] as number];
    if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
  }
  return hex;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const ID_BYTES = new Uint8Array(16);
/**
 * The random part comes from the system's CSPRNG in blocks: one getRandomValues call costs
 * about 10-15 us on Node 20 whatever its size, which was most of an id's cost when made per id.
 * Each byte of the pool is used once.
 */
const POOL = new Uint8Array(4000);
let pooled = POOL.length;

/** The start time a UUIDv7 carries; undefined for any other id. */
export function timeOfExchangeId(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
