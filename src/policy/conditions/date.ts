import type { ValueMatcher } from './matcher.js'
import { compareOrdered } from './numeric.js'
import type { OperatorTest } from './operator.js'

/**
 * Date operators (reference_policies_elements_condition_operators, Date): "one of the W3C
 * implementations of the ISO 8601 date formats … or in epoch (UNIX) time"; no wildcards, no
 * policy variables. Compared to the millisecond. Unreadable values never match (IAM-20).
 *
 * Choices (UNCONFIRMED): a value of digits only is epoch seconds (so `2020` is a second, not a
 * year); a date-time without a time zone is UTC; `T` and `Z` may be lower-case.
 */

function digitsAt(s: string, i: number, count: number): number {
  let v = 0
  for (let k = 0; k < count; k++) {
    const c = s.charCodeAt(i + k)
    if (!(c >= 48 && c <= 57)) return -1
    v = v * 10 + (c - 48)
  }
  return v
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** `Date.UTC`, without its mapping of years 0–99 to 1900–1999. */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0, ms = 0): number {
  if (y >= 100) return Date.UTC(y, mo, d, h, mi, sec, ms)
  const date = new Date(Date.UTC(2000, mo, d, h, mi, sec, ms))
  date.setUTCFullYear(y)
  return date.getTime()
}

function parseEpoch(s: string): number | undefined {
  let i = 0
  if (s.charCodeAt(0) === 45) i++
  let digits = 0
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
    i++
    digits++
  }
  if (digits === 0) return undefined
  if (i < s.length) {
    if (s.charCodeAt(i) !== 46) return undefined
    i++
    const fracStart = i
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++
    if (i === fracStart || i !== s.length) return undefined
  }
  const seconds = Number(s)
  return Number.isFinite(seconds) ? Math.trunc(seconds * 1000) : undefined
}

/** Parses a W3C date/time (`YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s…]]TZD`) or epoch. */
export function parseDate(s: string): number | undefined {
  if (s.length === 0) return undefined
  if (s.length < 7 || s.charCodeAt(4) !== 45) return parseEpoch(s)
  const year = digitsAt(s, 0, 4)
  const month = digitsAt(s, 5, 2)
  if (year < 0 || month < 1 || month > 12) return undefined
  if (s.length === 7) return utc(year, month - 1, 1)
  if (s.charCodeAt(7) !== 45) return undefined
  const day = digitsAt(s, 8, 2)
  if (day < 1 || day > daysInMonth(year, month)) return undefined
  if (s.length === 10) return utc(year, month - 1, day)
  const t = s.charCodeAt(10)
  if (t !== 84 && t !== 116) return undefined
  const hour = digitsAt(s, 11, 2)
  const minute = s.charCodeAt(13) === 58 ? digitsAt(s, 14, 2) : -1
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined
  let i = 16
  let second = 0
  let ms = 0
  if (s.charCodeAt(i) === 58) {
    second = digitsAt(s, i + 1, 2)
    if (second < 0 || second > 59) return undefined
    i += 3
    if (s.charCodeAt(i) === 46) {
      i++
      const fracStart = i
      let scale = 100
      while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        ms += (s.charCodeAt(i) - 48) * scale
        scale /= 10
        i++
      }
      if (i === fracStart) return undefined
      ms = Math.trunc(ms)
    }
  }
  let offsetMinutes = 0
  if (i < s.length) {
    const z = s.charCodeAt(i)
    if (z === 90 || z === 122) {
      i++
    } else if (z === 43 || z === 45) {
      const oh = digitsAt(s, i + 1, 2)
      const om = s.charCodeAt(i + 3) === 58 ? digitsAt(s, i + 4, 2) : -1
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined
      offsetMinutes = (oh * 60 + om) * (z === 43 ? 1 : -1)
      i += 6
    } else return undefined
  }
  if (i !== s.length) return undefined
  return utc(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000
}

/** Compiles the values of one date-operator condition key. */
export function compileDateMatcher(test: OperatorTest, values: readonly string[]): ValueMatcher {
  const parsed = values.map(parseDate)
  const valid = parsed.filter((p): p is number => p !== undefined)
  return {
    invalidPolicyValue: valid.length !== parsed.length,
    match(v) {
      const x = parseDate(v)
      if (x === undefined) return undefined
      for (let i = 0; i < valid.length; i++)
        if (compareOrdered(test, x, valid[i] as number)) return true
      return false
    },
  }
}
