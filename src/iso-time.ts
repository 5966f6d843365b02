/**
 * ISO 8601 UTC at second precision, as AWS writes times (`2026-12-05T19:00:00Z`), from epoch
 * milliseconds. `toISOString` always has milliseconds for years 0000-9999: cut them off.
 */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}
