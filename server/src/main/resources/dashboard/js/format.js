// How numbers, times and durations read on the page.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function count(n) {
  return n === null || n === undefined ? "–" : integer.format(n);
}

export function rate(perSecond) {
  if (perSecond === null || perSecond === undefined) return "–";
  return perSecond >= 10 ? integer.format(perSecond) : decimal.format(perSecond);
}

export function percent(fraction) {
  return fraction === null || fraction === undefined ? "–" : `${decimal.format(fraction * 100)} %`;
}

/** A duration in milliseconds, short: 850 ms, 4.2 s, 3 min 5 s, 2 h 10 min, 3 d 4 h. */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  if (ms < 1000) return `${integer.format(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${decimal.format(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "12 s ago", "in 3 min" relative to now (the browser's clock, corrected by the server's). */
export function relative(iso, now = serverNow()) {
  if (!iso) return "–";
  const diff = now - Date.parse(iso);
  return diff >= 0 ? `${duration(diff)} ago` : `in ${duration(-diff)}`;
}

/** A full local time with seconds, for titles and timelines. */
export function timestamp(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export function clock(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}

export function json(value) {
  if (value === null || value === undefined) return "null";
  return JSON.stringify(value, null, 2);
}

// The browser's clock may be off; ages are computed against the server's clock when known.
let skewMs = 0;

/** Records the server's time (from a response's generated_at, say) to correct relative times. */
export function learnServerTime(iso) {
  if (iso) skewMs = Date.parse(iso) - Date.now();
}

export function serverNow() {
  return Date.now() + skewMs;
}
