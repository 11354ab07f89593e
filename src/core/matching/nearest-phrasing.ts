/**
 * The IDF-weighted cosine (binary term weights) between the question and its closest phrasing:
 * a kNN view next to pooled BM25's, for a question that says what one trained question says.
 * Ranks only without word vectors (WORDS_ONLY_RANKING): with them the word alignment
 * (word-alignment.ts) does this job, and this cosine fitted beside it took a negative weight.
 */
export function nearestPhrasingCosine(queryIdf: ReadonlyMap<string, number>, phrasings: readonly Map<string, string>[], idfOfWord: (word: string) => number): number {
  let queryNorm = 0;
  for (const idf of queryIdf.values()) queryNorm += idf * idf;
  let best = 0;
  for (const phrasing of phrasings) {
    let dot = 0;
    let norm = 0;
    for (const [stem, word] of phrasing) {
      const shared = queryIdf.get(stem);
      const idf = shared ?? idfOfWord(word);
      norm += idf * idf;
      if (shared !== undefined) dot += idf * idf;
    }
    if (dot > 0) best = Math.max(best, dot / Math.sqrt(queryNorm * norm));
  }
  return best;
}
