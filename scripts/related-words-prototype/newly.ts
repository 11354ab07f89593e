import { Matcher } from '../../src/core/matching/matcher.js';
import { intentByAnswer, loadDataset, GUILD_ID, withTrainedDatabase } from '../eval-lib.js';
import { sharedWordVectors } from '../../src/core/matching/word-vectors.js';
const f = process.argv[2]!;
const ds = loadDataset(`${process.env.EVAL_DIR ?? "../shared/eval"}/${f}-public.json`);
const intents = intentByAnswer(ds);
const phr = new Map<string, string[]>();
for (const t of ds.train) phr.set(t.intent!, [...(phr.get(t.intent!) ?? []), t.question]);
await withTrainedDatabase(ds, async (db) => {
  const base = new Matcher(db, { wordVectors: null, calibration: undefined });
  const m = new Matcher(db);
  process.env.REL_MODE = 'off';
  const off = new Matcher(db);
  delete process.env.REL_MODE;
  let newly = 0; const ranks: number[] = []; let shown = 0;
  for (const q of ds.queries) {
    if (q.intent === null) continue;
    const r0 = off.rank(GUILD_ID, q.text).map((x) => intents.get(x.answer));
    if (r0.includes(q.intent)) continue;
    const r = m.rank(GUILD_ID, q.text);
    const i = r.findIndex((x) => intents.get(x.answer) === q.intent);
    if (i < 0) continue;
    newly++; ranks.push(i);
    if (shown++ < 25) console.log(i, JSON.stringify(q.text), '|', phr.get(q.intent)!.slice(0,2).join(' / '), '| top:', intents.get(r[0]!.answer), r[0]!.score.toFixed(2), JSON.stringify(r[i]!.features), JSON.stringify(r[0]!.features));
  }
  const hist = new Map<number, number>(); for (const k of ranks) hist.set(Math.min(k, 10), (hist.get(Math.min(k, 10)) ?? 0) + 1);
  console.log('newly', newly, [...hist].sort((a, b) => a[0] - b[0]));
});
