/**
 * ISO 8601 UTC at second precision, as AWS writes times (`2026-12-05T19:00:00Z`), from epoch
 * milliseconds. `toISOString` always has milliseconds for years 0000-9999: cut them off. A request
 * formats "now" and "now + duration" several times within the same second: the last two answers
 * are kept.
 */
let lastSecond = Number.NaN
let lastText = ''
let prevSecond = Number.NaN
let prevText = ''

export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second === lastSecond) return lastText
  if (second === prevSecond) return prevText
  const text = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`
  prevSecond = lastSecond
  prevText = lastText
  lastSecond = second
  lastText = text
  return text
}
