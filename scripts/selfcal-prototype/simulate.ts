import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { AnswerIndex } from '../../src/core/matching/answer-index.js';
import { Matcher } from '../../src/core/matching/matcher.js';
import { askProbe, planProbes } from '../../src/core/matching/guild-simulation.js';
import { GUILD_ID, intentByAnswer, runQueries, withTrainedDatabase, type Dataset } from '../eval-lib.js';
import { loadSuite } from '../eval-suite.js';

function withHeldOutAnswers(dataset: Dataset): Dataset {
  const intentOf = (entry: Dataset['train'][number]) => entry.intent ?? entry.answer;
  const order = [...new Set(dataset.train.map(intentOf))];
  const heldOut = new Set(order.filter((_, i) => i % 5 === 2));
  return {
    ...dataset,
    train: dataset.train.filter((entry) => !heldOut.has(intentOf(entry))),
    queries: dataset.queries.filter((q) => q.intent !== null).map((q) => (heldOut.has(q.intent!) ? { ...q, intent: null } : q)),
  };
}

const out: unknown[] = [];
for (const f of loadSuite(process.argv[2] ?? '../shared/eval/').filter((f) => !process.env.ONLY || f.file.includes(process.env.ONLY))) {
  for (const [variant, ds] of [['plain', f.dataset], ['heldout', withHeldOutAnswers(f.dataset)]] as const) {
    await withTrainedDatabase(ds, async (db) => {
      const matcher = new Matcher(db);
      const index = new AnswerIndex(db);
      const t0 = performance.now();
      const plan = planProbes(index, GUILD_ID, index.stats(GUILD_ID)!, process.env.BIG ? { answers: 1000, outOfScopePerAnswer: 10 } : undefined);
      const probes = plan.map((p) => askProbe((text, h) => matcher.rankWithout(GUILD_ID, text, h), p));
      const simMs = performance.now() - t0;
      const intents = intentByAnswer(ds);
      const q0 = performance.now(); const outcomes = runQueries(matcher, ds, intents); const qMs = performance.now() - q0;
      out.push({ file: f.file, domain: f.domain, variant, simMs, probes, queries: outcomes.map((o) => ({ s: o.score, l: o.expected === null ? 'oos' : o.predicted === o.expected ? 'right' : 'wrong' })) });
      console.log(f.file, variant, plan.length, 'probes', simMs.toFixed(0), 'ms;', ds.queries.length, 'queries', qMs.toFixed(0), 'ms; amortised', (simMs / ds.queries.length).toFixed(3), 'ms/query over', (qMs / ds.queries.length).toFixed(3));
    });
  }
}
writeFileSync(`/tmp/selfcal/data${process.env.BIG ? '-big' : ''}.json`, JSON.stringify(out));
