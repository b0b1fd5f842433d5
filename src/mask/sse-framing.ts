/**
 * Server-sent event framing over raw bytes: where each event ends and where its data is.
 * Lines end in LF, CRLF or CR; an empty line ends an event. Nothing here allocates.
 */

/**
 * The end of the event that starts at `from` (just after its empty line), or -1 when the
 * buffer stops before it. `hasCR` says whether the buffer holds any CR at all: without one,
 * lines are found with the native indexOf.
 */
export function eventEnd(buf: Uint8Array, from: number, hasCR: boolean): number {
  if (!hasCR) {
    for (let line = from; ; ) {
      const lf = buf.indexOf(10, line);
      if (lf < 0) return -1;
      if (lf === line) return lf + 1;
      line = lf + 1;
    }
  }
  let line = from;
  for (let i = from; i < buf.length; ) {
    const b = buf[i]!;
    if (b !== 10 && b !== 13) {
      i++;
      continue;
    }
    let next = i + 1;
    if (b === 13) {
      if (next >= buf.length) return -1; // CR or CRLF: the next byte decides
      if (buf[next] === 10) next++;
    }
    if (i === line) return next;
    line = i = next;
  }
  return -1;
}

/** Where the data of one event is; filled in by `locateData`, reused to avoid allocation. */
export interface DataLocation {
  /** Number of data lines (0: no data; more than 1: the data is their contents joined by LF). */
  lines: number;
  /** The first data line: where the line starts, where its value starts and ends. */
  lineStart: number;
  start: number;
  end: number;
}

const D = 100;
const A = 97;
const T = 116;
const COLON = 58;

export function locateData(buf: Uint8Array, from: number, to: number, hasCR: boolean, into: DataLocation): DataLocation {
  into.lines = 0;
  let line = from;
  while (line < to) {
    let stop: number;
    if (hasCR) {
      stop = line;
      while (stop < to && buf[stop] !== 10 && buf[stop] !== 13) stop++;
    } else {
      stop = buf.indexOf(10, line);
      if (stop < 0 || stop > to) stop = to;
    }
    if (
      stop - line >= 5 &&
      buf[line] === D &&
      buf[line + 1] === A &&
      buf[line + 2] === T &&
      buf[line + 3] === A &&
      buf[line + 4] === COLON
    ) {
      if (into.lines++ === 0) {
        into.lineStart = line;
        into.start = buf[line + 5] === 32 ? line + 6 : line + 5;
        into.end = stop;
      }
    }
    if (stop >= to) break;
    line = buf[stop] === 13 && buf[stop + 1] === 10 ? stop + 2 : stop + 1;
  }
  return into;
}

/** The data of an event as text: its data lines' values joined by LF. */
export function dataText(buf: Uint8Array, from: number, to: number, decoder: TextDecoder): string {
  const text = decoder.decode(buf.subarray(from, to));
  const values: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('data:')) values.push(line.slice(line[5] === ' ' ? 6 : 5));
  }
  return values.join('\n');
}

export function startsWithBytes(buf: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > buf.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}
