import { UserError } from '../errors.js';

/** Opening hours on some weekdays, e.g. Monday to Friday 09:00–17:00, in one time zone. */
export interface SupportHours {
  /** Each window: weekdays (0 = Sunday) and minutes since midnight, start inclusive, end exclusive. */
  windows: { days: number[]; start: number; end: number }[];
  timeZone: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function dayIndex(token: string): number {
  const i = DAYS.indexOf(token.slice(0, 3).toLowerCase());
  if (i < 0) throw new UserError(`“${token}” is not a weekday: use mon, tue, wed, thu, fri, sat or sun.`);
  return i;
}

function minutes(token: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(token);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && Number(m[2]) !== 0)) {
    throw new UserError(`“${token}” is not a time: use 24-hour HH:MM, such as 09:00 or 17:30.`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Checks an IANA time zone name (Europe/Berlin, America/New_York, UTC). */
export function validTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new UserError(`“${zone}” is not a time zone: use a name such as Europe/Berlin, America/New_York or UTC.`);
  }
}

/**
 * Parses "mon-fri 09:00-17:00, sat 10:00-14:00": windows separated by commas, each a day or day range
 * and a time range. A window may not cross midnight (write two windows).
 */
export function parseSupportHours(text: string, timeZone: string): SupportHours {
  const zone = validTimeZone(timeZone);
  const windows = text
    .split(/[,;]/)
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => {
      const m = /^([a-z]+)(?:\s*-\s*([a-z]+))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/i.exec(w);
      if (!m) throw new UserError(`“${w}” is not an opening window: write it like “mon-fri 09:00-17:00”.`);
      const from = dayIndex(m[1]!);
      const to = m[2] ? dayIndex(m[2]) : from;
      const days: number[] = [];
      for (let d = from; ; d = (d + 1) % 7) {
        days.push(d);
        if (d === to) break;
      }
      const start = minutes(m[3]!);
      const end = minutes(m[4]!);
      if (end <= start) throw new UserError(`In “${w}” the closing time must be after the opening time (split a window that crosses midnight in two).`);
      return { days, start, end };
    });
  if (windows.length === 0) throw new UserError('Give at least one opening window, such as “mon-fri 09:00-17:00”.');
  return { windows, timeZone: zone };
}

/** Weekday and minute of the day at `at` in the zone. */
function localTime(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return { day: dayIndex(get('weekday')), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isWithinHours(hours: SupportHours, at: number): boolean {
  const { day, minute } = localTime(at, hours.timeZone);
  return hours.windows.some((w) => w.days.includes(day) && minute >= w.start && minute < w.end);
}

const MINUTE = 60_000;

/** When staff are next back (the first minute within hours after `at`); undefined if never within 8 days. */
export function nextOpening(hours: SupportHours, at: number): number | undefined {
  const step = 15 * MINUTE;
  let t = Math.ceil(at / MINUTE) * MINUTE;
  for (let end = at + 8 * 24 * 60 * MINUTE; t < end; t += step) {
    if (!isWithinHours(hours, t)) continue;
    // Opening times are whole minutes: walk back to the first open one.
    while (t - MINUTE > at && isWithinHours(hours, t - MINUTE)) t -= MINUTE;
    return t;
  }
  return undefined;
}
