// ISO 8601 basic format, the only one SigV4 uses for X-Amz-Date: yyyymmddThhmmssZ.
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Epoch milliseconds of an `X-Amz-Date` value, or `undefined` when it is not a real UTC instant. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  // Date.UTC rolls 20150231 over into March: a round trip catches impossible calendar values.
  return formatAmzDate(ms) === value ? ms : undefined
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
