/**
 * Headers on their way to the upstream, kept as a flat list of lower-case names and values.
 * Web Headers validate every name and value on each set and sort themselves on each read;
 * these were parsed and filtered already, and the upstream transport takes a flat list as it is.
 * Every producer gives lower-case names; a name is looked up as given.
 */
export class HeaderList {
  /** name, value, name, value, ...: one entry per name. */
  private readonly list: string[];

  constructor(init?: Record<string, string>) {
    this.list = [];
    if (init !== undefined) for (const name in init) this.append(name.toLowerCase(), init[name]!);
  }

  get(name: string): string | null {
    const at = this.indexOf(name);
    return at < 0 ? null : this.list[at + 1]!;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  set(name: string, value: string): void {
    const at = this.indexOf(name);
    if (at < 0) this.list.push(name, value);
    else this.list[at + 1] = value;
  }

  /** Adds a value; a name given twice is one header whose values are joined, as Web Headers join them. */
  append(name: string, value: string): void {
    const at = this.indexOf(name);
    if (at < 0) this.list.push(name, value);
    else this.list[at + 1] = `${this.list[at + 1]!}, ${value}`;
  }

  delete(name: string): void {
    const at = this.indexOf(name);
    if (at >= 0) this.list.splice(at, 2);
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (let i = 0; i < this.list.length; i += 2) callback(this.list[i + 1]!, this.list[i]!);
  }

  /** name, value, name, value: what undici's request() takes. */
  flat(): string[] {
    return this.list.slice();
  }

  /** [name, value] pairs: what fetch() takes. */
  pairs(): [string, string][] {
    const pairs: [string, string][] = [];
    for (let i = 0; i < this.list.length; i += 2) pairs.push([this.list[i]!, this.list[i + 1]!]);
    return pairs;
  }

  private indexOf(name: string): number {
    for (let i = 0; i < this.list.length; i += 2) if (this.list[i] === name) return i;
    return -1;
  }
}
