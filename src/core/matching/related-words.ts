import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { answerIndexTable } from '../../db/guild-answer-index.js';
import type { GuildIndexStats } from './answer-index.js';
import { porterStem } from './porter.js';
import type { WordVectors } from './word-vectors.js';

/** A word of the guild's answers close in meaning to a word of the question. */
export interface RelatedWord {
  /** A word standing for the guild's stem (the most frequent English word with that stem), for MATCH. */
  word: string;
  stem: string;
  /** The guild's answers using the stem. */
  df: number;
  /** Word-vector cosine with the question's word. */
  cosine: number;
}

/**
 * Cosine from which a guild word counts as related to a question word, and how many related
 * words one question word may bring (the closest first).
 */
export const RELATED_COSINE = Number(process.env.REL_COS ?? 0.6);
export const RELATED_PER_WORD = Number(process.env.REL_PER ?? 3);
/**
 * The guild words compared, its most used ones: bounds the cost of a new question word in a big
 * guild (one cosine per vocabulary word, 100 multiply-adds each) whatever its size.
 */
const VOCABULARY_LIMIT = 4_096;
/** Question words whose related words are kept per guild generation before the memo starts afresh. */
const MEMO_LIMIT = 20_000;

interface GuildVocabulary {
  generation: number;
  rows: Int32Array;
  stems: string[];
  df: Int32Array;
  related: Map<string, RelatedWord[]>;
  cosines: Float32Array;
}

/**
 * The guild's own words closest in meaning to a question's words (GloVe word vectors), so that a
 * question asked in other words ("what time do you open" / "when are you open") still selects the
 * answers trained with them as candidates. The guild's vocabulary is read from its FTS5 index
 * (fts5vocab: its Porter stems with their document counts), so only words some answer uses can be
 * returned, each with its document frequency for the candidate search's postings budget. Cached per
 * guild until its training changes, as the document frequencies are.
 */
export class RelatedWords {
  private readonly guilds = new Map<number, GuildVocabulary>();
  private readonly vocabularyOf = new Map<number, Statement<[number], { term: string; doc: number }>>();
  private wordOfStem: Map<string, number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly vectors: WordVectors,
  ) {}

  /** Up to RELATED_PER_WORD guild words related to `word` (not its own stem), closest first. */
  of(guild: GuildIndexStats, word: string): readonly RelatedWord[] {
    const vocabulary = this.vocabulary(guild);
    if (vocabulary === undefined || vocabulary.rows.length === 0) return [];
    let related = vocabulary.related.get(word);
    if (related !== undefined) return related;
    related = [];
    if (this.vectors.cosinesTo(word, vocabulary.rows, vocabulary.cosines)) {
      const own = porterStem(word);
      const { cosines, stems } = vocabulary;
      for (let k = 0; k < cosines.length; k++) {
        if (cosines[k]! < RELATED_COSINE || stems[k] === own) continue;
        related.push({ word: this.vectors.wordAt(vocabulary.rows[k]!)!, stem: stems[k]!, df: vocabulary.df[k]!, cosine: cosines[k]! });
      }
      related.sort((x, y) => y.cosine - x.cosine);
      related.length = Math.min(related.length, RELATED_PER_WORD);
    }
    if (vocabulary.related.size >= MEMO_LIMIT) vocabulary.related.clear();
    vocabulary.related.set(word, related);
    return related;
  }

  private vocabulary(guild: GuildIndexStats): GuildVocabulary | undefined {
    const cached = this.guilds.get(guild.slot);
    if (cached !== undefined && cached.generation === guild.generation) return cached;
    const terms = this.statement(guild.slot)?.all(VOCABULARY_LIMIT);
    if (terms === undefined) return undefined;
    const wordOfStem = this.stemWords();
    const rows: number[] = [];
    const stems: string[] = [];
    const df: number[] = [];
    for (const { term, doc } of terms) {
      const row = wordOfStem.get(term);
      if (row === undefined) continue;
      rows.push(row);
      stems.push(term);
      df.push(doc);
    }
    const vocabulary = { generation: guild.generation, rows: Int32Array.from(rows), stems, df: Int32Array.from(df), related: new Map(), cosines: new Float32Array(rows.length) };
    this.guilds.set(guild.slot, vocabulary);
    return vocabulary;
  }

  /** The guild's most used stems with their document counts, from its index's fts5vocab table. */
  private statement(slot: number): Statement<[number], { term: string; doc: number }> | undefined {
    let statement = this.vocabularyOf.get(slot);
    if (statement === undefined) {
      const fts = answerIndexTable(slot);
      const vocab = `${fts}_vocab`;
      try {
        this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${vocab} USING fts5vocab(main, '${fts}', 'row')`);
        statement = this.db.prepare(`SELECT term, doc FROM temp.${vocab} ORDER BY doc DESC LIMIT ?`);
      } catch (error) {
        if (error instanceof Error && /no such table/.test(error.message)) return undefined;
        throw error;
      }
      this.vocabularyOf.set(slot, statement);
    }
    return statement;
  }

  /** Each Porter stem of the vectors' words with its most frequent word's row (built once). */
  private stemWords(): Map<string, number> {
    if (this.wordOfStem === undefined) {
      this.wordOfStem = new Map();
      for (let row = 0; row < this.vectors.size; row++) {
        const stem = porterStem(this.vectors.wordAt(row)!);
        if (!this.wordOfStem.has(stem)) this.wordOfStem.set(stem, row);
      }
    }
    return this.wordOfStem;
  }
}
