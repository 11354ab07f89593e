
/**
 * How alike two words are in spelling, in [0, 1]: 0 unless they are plausibly the same word.
 * Two general rules, neither tuned to any vocabulary:
 * - a typo: Damerau–Levenshtein distance 1 (2 for words of 8+ letters), scored 1 - distance/length.
 *   Only for a word the guild's questions never use: a known word is taken as spelled on purpose
 *   ("cook" is not a typo of "book");
 * - a variant the stemmer misses (cancelation/cancellation, colour/color): character-trigram Dice
 *   >= 0.6 between the stems (stems, so that a shared ending such as "-ing" does not make
 *   "shipping" look like "shopping").
 * Words shorter than 4 letters are too ambiguous to correct ("car"/"cat") and only match exactly.
 */
export const MIN_FUZZY_LENGTH = 4;
const MIN_TRIGRAM_DICE = 0.6;

/**
 * @param aStemTrigrams, bStemTrigrams each word's stem's distinct padded trigrams, as sorted ids of
 *   one numbering (TrigramSpace.stemTrigrams): a question word is compared with every word of its
 *   candidates, so the trigrams are counted over typed arrays, not string sets.
 */
export function wordSimilarity(a: string, aStemTrigrams: Int32Array, b: string, bStemTrigrams: Int32Array, allowTypo: boolean): number {
  if (a === b) return 1;
  if (a.length < MIN_FUZZY_LENGTH || b.length < MIN_FUZZY_LENGTH) return 0;
  const dice = trigramDice(aStemTrigrams, bStemTrigrams);
  const morphological = dice >= MIN_TRIGRAM_DICE ? dice : 0;
  return allowTypo ? Math.max(typoSimilarity(a, b), morphological) : morphological;
}

function typoSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  const maxEdits = longest >= 8 ? 2 : 1;
  if (Math.abs(a.length - b.length) > maxEdits) return 0;
  const edits = boundedDamerau(a, b, maxEdits);
  return edits <= maxEdits ? 1 - edits / longest : 0;
}

/** Optimal-string-alignment distance, or max + 1 as soon as it must exceed max. */
export function boundedDamerau(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  let before = new Array<number>(m + 1).fill(0);
  let previous = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const current = new Array<number>(m + 1).fill(0);
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[m]!;
}

/** Dice's coefficient of two sets of trigram ids, each sorted. */
function trigramDice(a: Int32Array, b: Int32Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * shared) / (a.length + b.length);
}
