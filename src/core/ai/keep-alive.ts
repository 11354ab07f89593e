/**
 * OLLAMA_KEEP_ALIVE: how long Ollama keeps a model loaded after a request, as the setting holds it
 * ("30m", "2h", "90s", "-1" for ever) and as Ollama reads it.
 */

/**
 * The `keep_alive` value Ollama accepts for the setting. Ollama's api/types.go Duration.UnmarshalJSON
 * reads a JSON number as seconds (a negative one: for ever) but hands a JSON string to Go's
 * time.ParseDuration, which refuses a bare number such as "-1" ("time: missing unit in duration")
 * and the whole request fails with 400. So a bare number goes as a number, a duration as its string.
 */
export function keepAliveParam(setting: string): number | string {
  const text = setting.trim();
  return /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** The setting in ms: a negative bare number is for ever; an unreadable one counts as Ollama's default, 5 minutes. */
export function keepAliveMs(setting: string): number {
  const param = keepAliveParam(setting);
  if (typeof param === 'number') return param < 0 ? Number.POSITIVE_INFINITY : param * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(param);
  if (!match) return 5 * 60_000;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
