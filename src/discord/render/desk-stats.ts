import { EmbedBuilder } from 'discord.js';
import type { RatingGroup, TypeTimes } from '../../core/desk/ratings.js';
import { formatDuration } from './duration.js';

const stars = (g: RatingGroup) => `${g.average.toFixed(1)}/5 ⭐ (${g.count} rating${g.count === 1 ? '' : 's'})`;
const typeLabel = (name: string | null) => name ?? 'No type';

/** /ticket_stats' second page: the member ratings per type and staff member, and the desk's times per type. */
export function deskStatsEmbed(figures: { byType: RatingGroup[]; byStaff: RatingGroup[]; times: TypeTimes[] }): EmbedBuilder | undefined {
  const { byType, byStaff, times } = figures;
  if (byType.length === 0 && times.every((t) => t.typeName === null)) return undefined;
  const embed = new EmbedBuilder().setTitle('Ticket types, ratings and staff').setColor(0xfee75c);
  if (times.length) {
    embed.addFields({
      name: 'Times per type (median)',
      value: times
        .map((t) => `**${typeLabel(t.typeName)}**: ${t.tickets} ticket${t.tickets === 1 ? '' : 's'} · first staff reply ${t.medianFirstResponseMs === null ? '—' : formatDuration(t.medianFirstResponseMs)} · resolved in ${t.medianResolutionMs === null ? '—' : formatDuration(t.medianResolutionMs)}`)
        .join('\n')
        .slice(0, 1024),
    });
  }
  embed.addFields(
    { name: 'Ratings per type', value: byType.length ? byType.map((g) => `**${typeLabel(g.key)}**: ${stars(g)}`).join('\n').slice(0, 1024) : 'No ratings yet.' },
    { name: 'Ratings per staff member', value: byStaff.length ? byStaff.map((g) => `<@${g.key}>: ${stars(g)}`).join('\n').slice(0, 1024) : 'No ratings yet.' },
  );
  return embed;
}
