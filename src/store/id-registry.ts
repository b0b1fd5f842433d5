/**
 * Which writer recorded each exchange id seen so far, in ten bytes an id rather than a hundred:
 * a store of a million exchanges is verified in bounded memory. Ids are kept as two 32-bit
 * lanes of the thread index's in-memory hash (open addressing over typed arrays), so two
 * different ids are taken for the same one with a probability of about n²/2⁶⁵ (3 in 100 million
 * for a million ids): at worst a false "duplicated" report that a look at the two records
 * settles, never a missed one.
 */
import { hashLanes } from '../record/thread-hash.ts';

export class IdRegistry {
  private first = new Uint32Array(1024);
  private second = new Uint32Array(1024);
  /** Index of the writer in `writers`, plus one; 0 marks an empty slot. */
  private owner = new Uint16Array(1024);
  private count = 0;
  private readonly writers: string[] = [];
  private readonly writerIndex = new Map<string, number>();

  get size(): number {
    return this.count;
  }

  get(id: string): string | undefined {
    const [a, b] = hashLanes(id);
    const slot = this.find(a, b);
    const owner = this.owner[slot]!;
    return owner === 0 ? undefined : this.writers[owner - 1];
  }

  set(id: string, writer: string): void {
    if ((this.count + 1) * 2 > this.owner.length) this.grow();
    const [a, b] = hashLanes(id);
    const slot = this.find(a, b);
    if (this.owner[slot] === 0) this.count++;
    this.first[slot] = a;
    this.second[slot] = b;
    this.owner[slot] = this.indexOf(writer) + 1;
  }

  private indexOf(writer: string): number {
    let index = this.writerIndex.get(writer);
    if (index === undefined) {
      if (this.writers.length >= 0xfffe) throw new Error('more than 65,534 writers in one store');
      index = this.writers.push(writer) - 1;
      this.writerIndex.set(writer, index);
    }
    return index;
  }

  /** The slot holding (a, b), or the empty slot where it would go. */
  private find(a: number, b: number): number {
    const mask = this.owner.length - 1;
    let slot = a & mask;
    while (this.owner[slot] !== 0 && (this.first[slot] !== a || this.second[slot] !== b)) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { first, second, owner } = this;
    this.first = new Uint32Array(owner.length * 2);
    this.second = new Uint32Array(owner.length * 2);
    this.owner = new Uint16Array(owner.length * 2);
    for (let i = 0; i < owner.length; i++) {
      if (owner[i] === 0) continue;
      const slot = this.find(first[i]!, second[i]!);
      this.first[slot] = first[i]!;
      this.second[slot] = second[i]!;
      this.owner[slot] = owner[i]!;
    }
  }
}
