/** Discord's embed limits; a request over any of them is refused whole (400, Invalid Form Body). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  /** Title, description, field names and values, footer and author together. */
  total: 6000,
} as const;

/** Choice names and values in autocomplete answers. */
export const CHOICE_LIMIT = 100;

/** Text cut to `max` characters with an ellipsis, never splitting an emoji's surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/** One line of text for a list or a choice name: whitespace runs collapsed, then clipped. */
export function oneLine(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}

/** Field values may not be empty: show a dash instead. */
export function fieldValue(text: string): string {
  return clip(text.trim() === '' ? '—' : text, EMBED_LIMITS.fieldValue);
}

/**
 * Lines joined with newlines until the next would pass `max`; the rest is summarised as
 * "…and N more" so a long list never breaks the embed.
 */
export function joinLines(lines: string[], max: number): string {
  const out: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const more = lines.length - index;
    const tail = `…and ${more} more`;
    const next = length + (out.length ? 1 : 0) + line.length;
    const roomForTail = index === lines.length - 1 ? 0 : tail.length + 1;
    if (next + roomForTail > max) {
      out.push(tail);
      return out.join('\n');
    }
    out.push(line);
    length = next;
  }
  return out.join('\n');
}
