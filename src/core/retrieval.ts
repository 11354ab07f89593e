import { passageByWords, type Passage } from './knowledge/passages.js';
import type { KnowledgeStore } from './knowledge/store.js';
import type { MatchCandidate, Matcher } from './matching/matcher.js';
import type { SemanticIndex } from './matching/semantic-index.js';
import { extractTerms } from './text/fts.js';

export interface RetrievalDeps {
  knowledge: KnowledgeStore;
  matcher: Matcher;
  /** Embedding search (OLLAMA_EMBED_MODEL) fused with the words; without it, the words alone. */
  semantic?: Pick<SemanticIndex, 'matchHybridBest' | 'similarKnowledge'>;
  /** Knowledge-base entries at least this similar by embedding (cosine) join the words' hits (KNOWLEDGE_SIMILARITY_THRESHOLD). */
  knowledgeSimilarityThreshold: number;
}

export interface KnowledgeHit {
  entryId: number;
  kbName: string;
  title: string;
  content: string;
  score: number;
  /**
   * For a long entry, the part of it that fits the question (its best chunk by embedding, or the
   * chunk holding most of the question's words): the prompt shows that part rather than the
   * entry's beginning. Absent for an entry short enough to be shown whole.
   */
  passage?: Passage;
}

/** Knowledge-base hits below this search score are too loose to show the AI. */
const KB_CONTEXT_MIN_SCORE = 0.2;
const KB_CONTEXT_LIMIT = 3;
/** Words a paragraph of a ticket's first message needs to be matched on its own. */
const MIN_PARAGRAPH_TERMS = 3;

/** What a member's question finds in the guild's training and knowledge bases, for the responder. */
export class Retrieval {
  constructor(private readonly deps: RetrievalDeps) {}

  /**
   * The guild's trained entries that fit the text, best first. A ticket's first message is
   * "subject + description"; the question may be in either part, and the other part dilutes the
   * match. Each paragraph is tried too, and the best-scored list wins.
   */
  async trainedMatches(guildId: string, text: string): Promise<MatchCandidate[]> {
    // A paragraph of one or two words ("Guide", "Thanks!") says too little to be answered alone.
    const parts = text.split(/\n\s*\n/).filter((p) => extractTerms(p).length >= MIN_PARAGRAPH_TERMS);
    const variants = [text, ...parts.slice(0, 4).filter((p) => p.trim() !== text.trim())];
    return this.deps.semantic ? this.deps.semantic.matchHybridBest(guildId, variants, 5) : this.deps.matcher.matchBest(guildId, variants, 5);
  }

  /** Up to KB_CONTEXT_LIMIT knowledge-base entries for the AI: the words' hits, then similar ones by embedding. */
  async knowledge(guildId: string, text: string): Promise<KnowledgeHit[]> {
    return this.withSimilarKnowledge(guildId, text, this.knowledgeByWords(guildId, text));
  }

  private knowledgeByWords(guildId: string, text: string): KnowledgeHit[] {
    return this.deps.knowledge
      .search(guildId, text, { limit: KB_CONTEXT_LIMIT })
      .filter((hit) => hit.score >= KB_CONTEXT_MIN_SCORE)
      .map(({ entry, kbName, score }) => {
        const passage = passageByWords(entry.title, entry.content, text);
        return { entryId: entry.id, kbName, title: entry.title, content: entry.content, score, ...(passage ? { passage } : {}) };
      });
  }

  /** Entries at least knowledgeSimilarityThreshold similar by embedding join the words' hits, so the AI also sees entries written in other words. */
  private async withSimilarKnowledge(guildId: string, text: string, hits: KnowledgeHit[]): Promise<KnowledgeHit[]> {
    const semantic = this.deps.semantic;
    if (!semantic || hits.length >= KB_CONTEXT_LIMIT) return hits;
    const similar = (await semantic.similarKnowledge(guildId, text, KB_CONTEXT_LIMIT)).filter(
      (s) => s.similarity >= this.deps.knowledgeSimilarityThreshold && !hits.some((h) => h.entryId === s.entryId),
    );
    const added = this.deps.knowledge.getEntriesWithBase(guildId, similar.map((s) => s.entryId)).map(({ entry, kbName }) => {
      const { similarity, passage } = similar.find((s) => s.entryId === entry.id)!;
      return { entryId: entry.id, kbName, title: entry.title, content: entry.content, score: similarity, ...(passage ? { passage } : {}) };
    });
    return [...hits, ...added].slice(0, KB_CONTEXT_LIMIT);
  }
}
