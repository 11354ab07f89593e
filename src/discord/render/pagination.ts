import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { customId } from '../components/custom-id.js';

/** How many pages `total` items fill (at least one, so an empty list still has a page to show). */
export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** A requested page brought into range: a stale button or a typed page past the end shows the last page. */
export function clampPage(page: number, pages: number): number {
  if (!Number.isFinite(page)) return 1;
  return Math.min(Math.max(1, Math.trunc(page)), Math.max(1, pages));
}

/** Reads the page from a button's custom id argument; anything odd is page 1. */
export function parsePage(arg: string | undefined): number {
  const page = Number(arg);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

export function pageFooter(page: number, pages: number, total: number, noun: string): string {
  return `Page ${page} of ${pages} · ${total} ${noun}`;
}

/**
 * Prev / Next buttons whose custom ids carry the target page (`prefix:<page>:...args`), so the
 * handler needs no state. None when everything fits on one page. The two ids always differ by two
 * pages, which keeps them unique within the message as Discord requires.
 */
export function pageButtons(prefix: string, page: number, pages: number, ...args: (string | number)[]): ActionRowBuilder<ButtonBuilder>[] {
  if (pages <= 1) return [];
  return [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder()
        .setCustomId(customId(prefix, page - 1, ...args))
        .setLabel('Prev')
        .setEmoji('◀️')
        .setStyle(ButtonStyle.Secondary)
        .setDisabled(page <= 1),
      new ButtonBuilder()
        .setCustomId(customId(prefix, page + 1, ...args))
        .setLabel('Next')
        .setEmoji('▶️')
        .setStyle(ButtonStyle.Secondary)
        .setDisabled(page >= pages),
    ),
  ];
}
