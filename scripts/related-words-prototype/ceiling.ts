import { Matcher } from '../../src/core/matching/matcher.js';
import { intentByAnswer, loadDataset, GUILD_ID, withTrainedDatabase } from '../eval-lib.js';
const limit = Number(process.env.LIMIT ?? 15);
for (const f of process.argv.slice(2)) {
  const ds = loadDataset(`${process.env.EVAL_DIR ?? "../shared/eval"}/${f}-public.json`);
  const intents = intentByAnswer(ds);
  await withTrainedDatabase(ds, async (db) => {
    const m = new Matcher(db, { candidateLimit: limit, candidatePostings: 100000 });
    let n = 0, top1 = 0, inCand = 0, top3 = 0;
    const t0 = performance.now();
    for (const q of ds.queries) {
      if (q.intent === null) continue;
      n++;
      const r = m.rank(GUILD_ID, q.text).map((x) => intents.get(x.answer));
      if (r[0] === q.intent) top1++;
      if (r.slice(0, 3).includes(q.intent)) top3++;
      if (r.includes(q.intent)) inCand++;
    }
    console.log(f, limit, JSON.stringify({ n, top1: (top1 / n).toFixed(3), top3: (top3 / n).toFixed(3), inCandidates: (inCand / n).toFixed(3), ms: ((performance.now()-t0)/n).toFixed(2) }));
  });
}
