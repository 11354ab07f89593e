import { Random, Zipf } from './random.js';
import { buildVocabulary, ingForm, sForm, type Vocabulary } from './vocabulary.js';

/**
 * The synthetic support server: trained entries (question ~80 characters, answer ~400), member
 * messages that paraphrase trained questions (other wording, filler, lower case, typos), and
 * questions nobody trained. Everything comes from seeded randomness, so every run sees the same data.
 */

/** What one trained answer is about; every phrasing of its question uses these words. */
interface Topic {
  verb: string;
  verb2: string;
  nouns: [string, string, string];
  adjective: string;
  code: string;
}

export interface SyntheticEntry {
  question: string;
  answer: string;
  category: string;
  tags: string[];
  /** Which answer this is (phrasings of one answer share it). */
  topic: number;
}

export interface SyntheticQuery {
  text: string;
  /** The topic it asks about; null for a question nobody trained. */
  topic: number | null;
}

type Template = (t: Topic) => string;

/** Ways members and staff ask the same thing. */
const QUESTION_TEMPLATES: Template[] = [
  (t) => `How do I ${t.verb} the ${t.adjective} ${t.nouns[0]} on my ${t.nouns[1]} after the ${t.nouns[2]}?`,
  (t) => `Why can't I ${t.verb} my ${t.nouns[0]} when I ${t.verb2} the ${t.adjective} ${t.nouns[1]} ${t.nouns[2]}?`,
  (t) => `Is it possible to ${t.verb} a ${t.adjective} ${t.nouns[0]} without ${ingForm(t.verb2)} the ${t.nouns[1]} ${t.nouns[2]}?`,
  (t) => `What happens to my ${t.adjective} ${t.nouns[0]} if the ${t.nouns[1]} ${sForm(t.verb)} during the ${t.nouns[2]}?`,
  (t) => `Where can I ${t.verb} the ${t.nouns[0]} for my ${t.adjective} ${t.nouns[1]} and ${t.nouns[2]}?`,
  (t) => `My ${t.nouns[0]} keeps ${ingForm(t.verb)} when I ${t.verb2} the ${t.adjective} ${t.nouns[1]}, how do I fix the ${t.nouns[2]}?`,
  (t) => `Can staff ${t.verb} the ${t.nouns[0]} ${t.nouns[1]} for my ${t.adjective} ${t.nouns[2]}?`,
  (t) => `How long does it take to ${t.verb} a ${t.adjective} ${t.nouns[0]} on the ${t.nouns[1]} ${t.nouns[2]}?`,
  (t) => `I get error ${t.code} when I try to ${t.verb} my ${t.adjective} ${t.nouns[0]} from the ${t.nouns[1]}, what now?`,
  (t) => `Does the ${t.adjective} ${t.nouns[0]} let me ${t.verb} the ${t.nouns[1]} and ${t.verb2} the ${t.nouns[2]}?`,
  (t) => `${t.nouns[0]} ${t.nouns[1]} won't ${t.verb} after I ${t.verb2} the ${t.adjective} ${t.nouns[2]}, any idea why?`,
  (t) => `Who do I ask to ${t.verb} the ${t.adjective} ${t.nouns[0]} ${t.nouns[1]} linked to my ${t.nouns[2]}?`,
  (t) => `Since yesterday the ${t.nouns[0]} says ${t.code} every time I ${t.verb} it, do I need a ${t.adjective} ${t.nouns[1]} for the ${t.nouns[2]}?`,
  (t) => `Is there a way to ${t.verb} my ${t.nouns[0]} and keep the ${t.adjective} ${t.nouns[1]} when I ${t.verb2} the ${t.nouns[2]} later?`,
  (t) => `After the last ${t.nouns[2]} I can no longer ${t.verb} the ${t.adjective} ${t.nouns[0]} in ${t.nouns[1]}, is this a known problem?`,
];

const ANSWER_SENTENCES: Template[] = [
  (t) => `To ${t.verb} your ${t.adjective} ${t.nouns[0]}, open Settings > ${cap(t.nouns[1])} > ${cap(t.nouns[2])} and choose "${cap(t.verb)} ${t.nouns[0]}".`,
  (t) => `If the ${t.nouns[1]} still ${sForm(t.verb2)} afterwards, sign out, clear the ${t.nouns[2]} cache and try once more.`,
  (t) => `Error ${t.code} means the ${t.nouns[0]} is not linked to this ${t.nouns[1]} yet; link it first, then ${t.verb} it again.`,
  (t) => `Changes to a ${t.adjective} ${t.nouns[0]} can take up to 24 hours to show on every ${t.nouns[2]}.`,
  (t) => `Staff can ${t.verb} it for you: open a ticket with your ${t.nouns[1]} ID and a screenshot of the ${t.nouns[2]} page.`,
  (t) => `You can ${t.verb2} the ${t.nouns[1]} at any time, and nothing on your ${t.nouns[0]} is lost when you do.`,
  (t) => `Please never share your ${t.nouns[2]} code with anyone, including people who say they are staff.`,
  (t) => `The ${t.adjective} plan includes this; on the free plan the ${t.nouns[0]} limit is 3 per ${t.nouns[2]}.`,
  (t) => `See the "${cap(t.nouns[0])} ${t.nouns[1]}" guide in #faq for screenshots of each step.`,
];

const OFF_TOPIC_TEMPLATES: ((r: Random, v: Vocabulary) => string)[] = [
  (r, v) => `What's the best ${r.pick(v.offTopicNouns)} to ${r.pick(v.offTopicVerbs)} on a ${r.pick(v.offTopicNouns)} day?`,
  (r, v) => `Can you recommend a good ${r.pick(v.offTopicNouns)} ${r.pick(v.offTopicNouns)} for my ${r.pick(v.offTopicNouns)}?`,
  (r, v) => `How do I ${r.pick(v.offTopicVerbs)} a ${r.pick(v.offTopicNouns)} like a ${r.pick(v.offTopicNouns)}?`,
  (r, v) => `Does anyone here know how to ${r.pick(v.offTopicVerbs)} with a ${r.pick(v.offTopicNouns)} near the ${r.pick(v.offTopicNouns)}?`,
  (r, v) => `Is it true that a ${r.pick(v.offTopicNouns)} can ${r.pick(v.offTopicVerbs)} faster than a ${r.pick(v.offTopicNouns)}?`,
  (r, v) => `Why is my ${r.pick(v.offTopicNouns)} so hard to ${r.pick(v.offTopicVerbs)} in ${r.pick(v.offTopicNouns)} season?`,
];

const CATEGORIES = ['general', 'billing', 'account', 'technical', 'orders', 'shipping', 'moderation', 'games', 'security'];
const PREFIXES = ['hi, ', 'hello! ', 'hey team, ', 'quick question: ', 'sorry to bother you, ', 'hi there, ', 'urgent: '];
const SUFFIXES = [' thanks!', ' please help', ' any idea?', ' thx', ' :(', ' asap please', ' thank you in advance'];

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** One slip of the keyboard in a word of 5+ letters: two letters swapped, one dropped or one doubled. */
function typo(text: string, random: Random): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => (/^[a-z]{5,}$/i.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const index = random.pick(candidates);
  const word = words[index]!;
  const at = 1 + random.int(word.length - 2);
  const kind = random.int(3);
  words[index] =
    kind === 0 ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : kind === 1 ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at) + word[at] + word.slice(at);
  return words.join(' ');
}

/** How members really type it: filler, lower case, no punctuation, a typo — each sometimes. */
function memberWording(text: string, random: Random, opts: { typos: boolean }): string {
  let out = text;
  if (random.chance(0.3)) out = random.pick(PREFIXES) + out.charAt(0).toLowerCase() + out.slice(1);
  if (random.chance(0.3)) out += random.pick(SUFFIXES);
  if (random.chance(0.35)) out = out.toLowerCase();
  if (random.chance(0.3)) out = out.replace(/[?!,.'"]/g, '');
  if (opts.typos && random.chance(0.35)) out = typo(out, random);
  return out;
}

export class SyntheticServer {
  readonly vocabulary = buildVocabulary();
  private readonly nouns: Zipf<string>;
  private readonly verbs: Zipf<string>;
  private readonly adjectives: Zipf<string>;
  private readonly topics: Topic[] = [];
  /** Templates already used for each topic's trained phrasings. */
  private readonly phrasingTemplates = new Map<number, number[]>();

  constructor(private readonly seed: number) {
    this.nouns = new Zipf(this.vocabulary.nouns, 1.0);
    this.verbs = new Zipf(this.vocabulary.verbs, 0.9);
    this.adjectives = new Zipf(this.vocabulary.adjectives, 0.9);
  }

  private topic(index: number): Topic {
    while (this.topics.length <= index) {
      const random = new Random(this.seed * 1_000_003 + this.topics.length);
      const distinct = new Set<string>();
      while (distinct.size < 3) distinct.add(this.nouns.draw(random));
      const [a, b, c] = [...distinct] as [string, string, string];
      this.topics.push({
        verb: this.verbs.draw(random),
        verb2: this.verbs.draw(random),
        nouns: [a, b, c],
        adjective: this.adjectives.draw(random),
        code: `${random.pick(['E', 'ERR-', 'code ', '0x'])}${100 + random.int(900)}`,
      });
    }
    return this.topics[index]!;
  }

  private answer(index: number): string {
    const t = this.topic(index);
    const random = new Random(this.seed * 7919 + index);
    const order = shuffle([...ANSWER_SENTENCES.keys()], random);
    let text = '';
    for (const i of order) {
      if (text.length >= 360) break;
      text += (text ? ' ' : '') + ANSWER_SENTENCES[i]!(t);
    }
    return text;
  }

  /**
   * `count` trained entries: each answer trained with one phrasing, about one in five with a
   * second, as staff do for questions asked two ways.
   */
  entries(count: number): SyntheticEntry[] {
    const out: SyntheticEntry[] = [];
    const random = new Random(this.seed);
    for (let topic = 0; out.length < count; topic++) {
      const phrasings = random.chance(0.2) ? 2 : 1;
      const t = this.topic(topic);
      const answer = this.answer(topic);
      const category = CATEGORIES[(topic * 31 + t.nouns[0].length) % CATEGORIES.length]!;
      const tags = t.nouns.slice(0, random.int(3)).filter((n) => n.length <= 30);
      const used: number[] = [];
      for (let p = 0; p < phrasings && out.length < count; p++) {
        let template = random.int(QUESTION_TEMPLATES.length);
        while (used.includes(template)) template = random.int(QUESTION_TEMPLATES.length);
        used.push(template);
        out.push({ question: QUESTION_TEMPLATES[template]!(t), answer, category, tags, topic });
      }
      this.phrasingTemplates.set(topic, used);
    }
    return out;
  }

  /**
   * Member messages about trained topics, worded with a template staff did not train (a
   * paraphrase), plus filler, case, punctuation and typos. `topics` must come from entries().
   */
  paraphrases(topics: readonly number[], count: number, seed: number): SyntheticQuery[] {
    const random = new Random(seed);
    const out: SyntheticQuery[] = [];
    for (let i = 0; i < count; i++) {
      const topic = random.pick(topics);
      const used = this.phrasingTemplates.get(topic) ?? [];
      let template = random.int(QUESTION_TEMPLATES.length);
      while (used.includes(template)) template = random.int(QUESTION_TEMPLATES.length);
      out.push({ text: memberWording(QUESTION_TEMPLATES[template]!(this.topic(topic)), random, { typos: true }), topic });
    }
    return out;
  }

  /** A trained question as a member would type it again: same words, their own filler, case and punctuation. */
  retyped(entry: SyntheticEntry, random: Random): SyntheticQuery {
    return { text: memberWording(entry.question, random, { typos: false }), topic: entry.topic };
  }

  /** Questions nobody trained the bot for. */
  offTopic(count: number, seed: number): SyntheticQuery[] {
    const random = new Random(seed);
    return Array.from({ length: count }, () => ({ text: memberWording(random.pick(OFF_TOPIC_TEMPLATES)(random, this.vocabulary), random, { typos: true }), topic: null }));
  }
}
