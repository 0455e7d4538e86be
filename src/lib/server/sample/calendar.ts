// Calendar arithmetic for the sample: whole days since 1970-01-01, Europe/London summer time, and the
// fixed, locale-free formats the extracts use (dates YYYY-MM-DD, timestamps in four accepted shapes).

export const MS_PER_DAY = 86_400_000;
export const MINUTES_PER_DAY = 1440;

/** Day number (days since 1970-01-01) of a calendar date. */
export function dayOf(year: number, month: number, day: number): number {
	return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function parseDay(iso: string): number {
	const [y, m, d] = iso.split('-').map(Number);
	return dayOf(y, m, d);
}

function pad2(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

/** The parts of a day number, in UTC (no time zone involved: a day number is a calendar date). */
export function partsOf(day: number): {
	year: number;
	month: number;
	day: number;
	weekday: number;
} {
	const d = new Date(day * MS_PER_DAY);
	return {
		year: d.getUTCFullYear(),
		month: d.getUTCMonth() + 1,
		day: d.getUTCDate(),
		weekday: d.getUTCDay()
	};
}

const isoCache = new Map<number, string>();

/** `YYYY-MM-DD`; cached because the generator formats the same few thousand days millions of times. */
export function isoDate(day: number): string {
	let s = isoCache.get(day);
	if (s === undefined) {
		const p = partsOf(day);
		s = `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
		isoCache.set(day, s);
	}
	return s;
}

/** A calendar month as `{ year, month }` with its first day and its number of days. */
export interface Month {
	year: number;
	month: number;
	first: number;
	days: number;
	/** `YYYY-MM` */
	label: string;
}

export function monthsBetween(fromDay: number, toDay: number): Month[] {
	const out: Month[] = [];
	let { year, month } = partsOf(fromDay);
	for (;;) {
		const first = dayOf(year, month, 1);
		if (first > toDay) break;
		const next = month === 12 ? dayOf(year + 1, 1, 1) : dayOf(year, month + 1, 1);
		out.push({ year, month, first, days: next - first, label: `${year}-${pad2(month)}` });
		month = month === 12 ? 1 : month + 1;
		if (month === 1) year++;
	}
	return out;
}

/** Last Sunday of a month, as a day number. */
export function lastSunday(year: number, month: number): number {
	const next = month === 12 ? dayOf(year + 1, 1, 1) : dayOf(year, month + 1, 1);
	const last = next - 1;
	return last - partsOf(last).weekday;
}

// Year of each day number from 1999 to 2040, so the hot path (millions of timestamps at large
// scales) does not allocate a Date per call.
const YEAR_BASE = dayOf(1999, 1, 1);
const YEARS = new Int16Array(dayOf(2041, 1, 1) - YEAR_BASE);
for (let i = 0; i < YEARS.length; i++)
	YEARS[i] = new Date((YEAR_BASE + i) * MS_PER_DAY).getUTCFullYear();

export function yearOf(day: number): number {
	const i = day - YEAR_BASE;
	return i >= 0 && i < YEARS.length ? YEARS[i] : partsOf(day).year;
}

const bstCache = new Map<number, [number, number]>();

/** UTC minutes at which British Summer Time starts and ends in a year (01:00 UTC, last Sundays). */
export function bstBounds(year: number): [number, number] {
	let b = bstCache.get(year);
	if (!b) {
		b = [lastSunday(year, 3) * MINUTES_PER_DAY + 60, lastSunday(year, 10) * MINUTES_PER_DAY + 60];
		bstCache.set(year, b);
	}
	return b;
}

/** Europe/London offset from UTC, in minutes (0 or 60), at an instant given in UTC minutes. */
export function londonOffset(utcMinutes: number): number {
	const [start, end] = bstBounds(yearOf(Math.floor(utcMinutes / MINUTES_PER_DAY)));
	return utcMinutes >= start && utcMinutes < end ? 60 : 0;
}

/**
 * The instant (UTC minutes) of a London wall-clock time. A time in the spring-forward gap does not
 * exist, so it moves on an hour; an autumn time that occurs twice is read as the first (BST) one.
 */
export function fromLondon(localDay: number, minuteOfDay: number): number {
	const local = localDay * MINUTES_PER_DAY + minuteOfDay;
	const [start, end] = bstBounds(yearOf(localDay));
	// In local terms BST starts at 01:00 (which becomes 02:00) and ends at 02:00 (which becomes 01:00).
	if (local >= start && local < start + 60) return local; // gap: 01:xx GMT is the same instant as 02:xx BST
	if (local >= start + 60 && local < end + 60) return local - 60;
	return local;
}

export type TimestampStyle = 'local' | 'utc' | 'offset' | 'uk';

/** Format an instant (UTC minutes plus seconds) in one of the timestamp shapes extracts.md accepts. */
export function formatTimestamp(
	utcMinutes: number,
	seconds: number,
	style: TimestampStyle
): string {
	const offset = style === 'utc' ? 0 : londonOffset(utcMinutes);
	const wall = utcMinutes + offset;
	const day = Math.floor(wall / MINUTES_PER_DAY);
	const minute = wall - day * MINUTES_PER_DAY;
	const time = `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}:${pad2(seconds)}`;
	const date = isoDate(day);
	switch (style) {
		case 'local':
			return `${date} ${time}`;
		case 'utc':
			return `${date}T${time}Z`;
		case 'offset':
			return `${date}T${time}${offset === 60 ? '+01:00' : '+00:00'}`;
		case 'uk':
			return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)} ${time.slice(0, 5)}`;
	}
}

/** Calendar month (`YYYY-MM`) in London of an instant, as the metrics attribute it. */
export function londonMonth(utcMinutes: number): string {
	const wall = utcMinutes + londonOffset(utcMinutes);
	return isoDate(Math.floor(wall / MINUTES_PER_DAY)).slice(0, 7);
}
