import type { GuildIndexStats } from './answer-index.js';
import { askProbe, type HeldOutRanker, type PlannedProbe, type Probe } from './guild-simulation.js';

/**
 * PROTOTYPE (measured, see report): a per-guild shift of the confidence's logit, estimated from a
 * simulation of the guild's own training (guild-simulation.ts): the shift that would give the
 * simulated questions the most right answers with at most 3 % wrong and 3 % out-of-scope answered.
 */
const MIN_ANSWERS = 20;
const LIMIT = 0.03;
const THRESHOLD_LOGIT = Math.log(0.85 / 0.15);
const PROBES_PER_STEP = 16;

interface State {
  generation: number;
  shift: number;
  pending?: { generation: number; planned: PlannedProbe[]; asked: Probe[] };
}

export class GuildCalibrations {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly plan: (guildId: string, stats: GuildIndexStats) => PlannedProbe[],
    private readonly rankerOf: (guildId: string) => HeldOutRanker,
    private readonly strength = Number(process.env.SELFCAL_STRENGTH ?? '1'),
  ) {}

  /** The guild's shift now: the last finished simulation's, while at most `step` probes of a newer one are asked. */
  shift(guildId: string, stats: GuildIndexStats, step = PROBES_PER_STEP): number {
    if (stats.answers < MIN_ANSWERS) return 0;
    let state = this.states.get(guildId);
    if (state === undefined) {
      state = { generation: -1, shift: 0 };
      this.states.set(guildId, state);
    }
    if (state.generation === stats.generation) return state.shift;
    if (state.pending === undefined || state.pending.generation !== stats.generation) state.pending = { generation: stats.generation, planned: this.plan(guildId, stats), asked: [] };
    const pending = state.pending;
    const rank = this.rankerOf(guildId);
    for (let i = 0; i < step && pending.asked.length < pending.planned.length; i++) pending.asked.push(askProbe(rank, pending.planned[pending.asked.length]!));
    if (pending.asked.length === pending.planned.length) {
      state.generation = pending.generation;
      state.shift = this.strength * bestShift(pending.asked);
      state.pending = undefined;
    }
    return state.shift;
  }
}

function bestShift(probes: readonly Probe[]): number {
  const inScope = probes.filter((p) => p.inScope).length;
  const outOfScope = probes.length - inScope;
  if (inScope < 10 || outOfScope < 10) return 0;
  let best = 0;
  let bestRight = -1;
  for (let shift = -2; shift <= 3; shift += 0.02) {
    let right = 0;
    let wrong = 0;
    let oos = 0;
    for (const p of probes) {
      if (logit(p.score) + shift < THRESHOLD_LOGIT) continue;
      if (!p.inScope) oos++;
      else if (p.correct) right++;
      else wrong++;
    }
    if (wrong <= LIMIT * inScope && oos <= LIMIT * outOfScope && right > bestRight) {
      bestRight = right;
      best = shift;
    }
  }
  return best;
}

export function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  return Math.log(q / (1 - q));
}

export function shifted(p: number, shift: number): number {
  return shift === 0 ? p : 1 / (1 + Math.exp(-(logit(p) + shift)));
}
