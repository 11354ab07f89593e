/**
 * A read-only set of words looked up in their own UTF-8 bytes (one word per line, e.g. the word
 * list of the word-vector file), giving each word's line number. An open-addressing hash table of
 * line numbers (linear probing, at most half full) plus each line's start offset: for 50,000 words
 * about 0.7 MB of typed arrays, where a Map of 50,000 strings costs several MB of heap. The bytes
 * are the caller's (a view of the loaded file), not copied.
 */
export class WordTable {
  /** Line number + 1 in each slot; 0 = empty. */
  private readonly slots: Int32Array;
  /** Byte offset of each line in `bytes`, and one past the last line's end (+1 for its newline). */
  private readonly starts: Int32Array;
  private readonly mask: number;

  /** @param bytes the words in UTF-8, separated by "\n" (no trailing newline); every line must be distinct and non-empty. */
  constructor(private readonly bytes: Uint8Array) {
    const starts: number[] = [0];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
    starts.push(bytes.length + 1);
    this.starts = Int32Array.from(starts);
    let capacity = 16;
    while (capacity < this.size * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let line = 0; line < this.size; line++) {
      const start = this.starts[line]!;
      const end = this.starts[line + 1]! - 1;
      if (end <= start) throw new Error(`Word list: line ${line + 1} is empty.`);
      let slot = hashBytes(bytes, start, end) & this.mask;
      while (this.slots[slot] !== 0) {
        if (this.equalsLine(this.slots[slot]! - 1, bytes, start, end)) throw new Error(`Word list: line ${line + 1} repeats an earlier word.`);
        slot = (slot + 1) & this.mask;
      }
      this.slots[slot] = line + 1;
    }
  }

  /** How many words (lines). */
  get size(): number {
    return this.starts.length - 1;
  }

  /** The word's line number (0-based), or -1 when it is not in the table. */
  lineOf(word: string): number {
    if (word.length === 0) return -1;
    let ascii = true;
    for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) > 0x7f) ascii = false;
    if (!ascii) return this.lineOfBytes(Buffer.from(word, 'utf8'));
    let slot = hashAscii(word) & this.mask;
    for (let line = this.slots[slot]!; line !== 0; line = this.slots[slot]!) {
      if (this.equalsAscii(line - 1, word)) return line - 1;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  private lineOfBytes(word: Uint8Array): number {
    let slot = hashBytes(word, 0, word.length) & this.mask;
    for (let line = this.slots[slot]!; line !== 0; line = this.slots[slot]!) {
      if (this.equalsLine(line - 1, word, 0, word.length)) return line - 1;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  private equalsAscii(line: number, word: string): boolean {
    const start = this.starts[line]!;
    if (this.starts[line + 1]! - 1 - start !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.bytes[start + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  private equalsLine(line: number, other: Uint8Array, from: number, to: number): boolean {
    const start = this.starts[line]!;
    if (this.starts[line + 1]! - 1 - start !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (this.bytes[start + i] !== other[from + i]) return false;
    return true;
  }
}

/** FNV-1a over bytes [from, to). */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** hashBytes of an ASCII string's bytes, without encoding it. */
function hashAscii(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
