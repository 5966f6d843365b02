import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { segmentName, segmentNumbers } from './format.js'

/** The numbers of the journal's segments in `dir`, ascending (none when it does not exist yet). */
export function listSegments(dir: string): number[] {
  try {
    return segmentNumbers(readdirSync(dir))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

/** The path of segment `n` of the journal in `dir`. */
export function segmentPath(dir: string, n: number): string {
  return join(dir, segmentName(n))
}
