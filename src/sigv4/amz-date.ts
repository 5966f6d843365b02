const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function digits(value: string, from: number, count: number): number {
  let n = 0
  for (let i = from; i < from + count; i++) {
    const d = value.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

/**
 * Epoch milliseconds of an `X-Amz-Date` value, or `undefined` unless it is exactly the ISO 8601
 * basic format SigV4 uses (`yyyymmddThhmmssZ`) of a real UTC instant (no leap seconds).
 */
export function parseAmzDate(value: string): number | undefined {
  if (value.length !== 16 || value[8] !== 'T' || value[15] !== 'Z') return undefined
  const y = digits(value, 0, 4)
  const mo = digits(value, 4, 2)
  const d = digits(value, 6, 2)
  const h = digits(value, 9, 2)
  const mi = digits(value, 11, 2)
  const s = digits(value, 13, 2)
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 59
  ) {
    return undefined
  }
  const days = mo === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[mo - 1] as number)
  if (d > days) return undefined
  return Date.UTC(y, mo - 1, d, h, mi, s)
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** Formats epoch milliseconds as `yyyymmddThhmmssZ` (sub-second part dropped). */
export function formatAmzDate(ms: number): string {
  const d = new Date(ms)
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    'T' +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    'Z'
  )
}
