/**
 * A thinking model's reasoning, removed from the text a member sees. The bot sends `think: false` to
 * models that list the "thinking" capability, and current Ollama then sends no reasoning at all;
 * older Ollama versions, and some models whatever the request says, write it into the answer itself
 * as `<think>…</think>`, or (when the chat template opens the tag) as text followed by a lone `</think>`.
 */
const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * The answer without its reasoning. Works on a partial stream as well: an unclosed `<think>` hides
 * everything after it, and a tag still being written at the end is held back.
 */
export function stripThinking(text: string, final = false): string {
  let out = text;
  // Text before a lone closing tag is reasoning whose opening tag was in the prompt.
  const firstClose = out.indexOf(CLOSE);
  const firstOpen = out.indexOf(OPEN);
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) out = out.slice(firstClose + CLOSE.length);
  for (;;) {
    const open = out.indexOf(OPEN);
    if (open < 0) break;
    const close = out.indexOf(CLOSE, open);
    if (close < 0) {
      out = out.slice(0, open);
      break;
    }
    out = out.slice(0, open) + out.slice(close + CLOSE.length);
  }
  return (final ? out : withoutPartialTag(out)).trimStart();
}

/** "<thi" at the very end may be the start of a tag: not shown until the next chunk says. */
function withoutPartialTag(text: string): string {
  for (let n = Math.min(CLOSE.length - 1, text.length); n > 0; n--) {
    const tail = text.slice(-n);
    if (OPEN.startsWith(tail) || CLOSE.startsWith(tail)) return text.slice(0, -n);
  }
  return text;
}
