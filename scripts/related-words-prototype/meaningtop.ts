import { Matcher } from '../../src/core/matching/matcher.js';
import { intentByAnswer, loadDataset, GUILD_ID, withTrainedDatabase } from '../eval-lib.js';
process.env.REL_MODE = 'off';
for (const f of process.argv.slice(2)) {
  const ds = loadDataset(`${process.env.EVAL_DIR ?? "../shared/eval"}/${f}-public.json`);
  const intents = intentByAnswer(ds);
  await withTrainedDatabase(ds, async (db) => {
    const all = new Matcher(db, { candidateLimit: 400, candidatePostings: 1e6 });
    const m = new Matcher(db);
    let n = 0, mtop = 0, mtop5 = 0, lexMiss_mtop5 = 0, lexMiss = 0, lexMiss_mtop = 0;
    for (const q of ds.queries) {
      if (q.intent === null) continue;
      n++;
      const r = all.rank(GUILD_ID, q.text).sort((a, b) => b.features.meaning - a.features.meaning).map((x) => intents.get(x.answer));
      const lex = m.rank(GUILD_ID, q.text).map((x) => intents.get(x.answer));
      if (r[0] === q.intent) mtop++;
      const in5 = r.slice(0, 5).includes(q.intent);
      if (in5) mtop5++;
      if (!lex.includes(q.intent)) { lexMiss++; if (in5) lexMiss_mtop5++; if (r[0] === q.intent) lexMiss_mtop++; }
    }
    console.log(f, { n, meaningTop1: mtop / n, meaningTop5: mtop5 / n, lexMiss: lexMiss / n, lexMissButMeaningTop5: lexMiss_mtop5 / n, lexMissButMeaningTop1: lexMiss_mtop / n });
  });
}
