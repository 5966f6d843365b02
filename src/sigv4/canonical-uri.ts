import { canonicalEncode, DOUBLE_ENCODED_PATH, SINGLE_ENCODED_PATH } from './uri-encode.js'

const SLASH = 0x2f
const DOT = 0x2e

function isSegmentEnd(c: number): boolean {
  return Number.isNaN(c) || c === SLASH
}

// True when normalisation would change the path: it does not start with `/`, or has an empty
// (`//`), `.` or `..` segment. Lets the common path (`/`, `/clusters/x`) skip all allocation.
function needsNormalization(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH) return true
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) !== SLASH) continue
    const a = path.charCodeAt(i + 1)
    if (a === SLASH) return true
    if (a !== DOT) continue
    const b = path.charCodeAt(i + 2)
    if (isSegmentEnd(b)) return true
    if (b === DOT && isSegmentEnd(path.charCodeAt(i + 3))) return true
  }
  return false
}

/**
 * Path normalisation as the AWS signers do it (aws-c-auth `s_append_normalized_path`, smithy
 * `getCanonicalPath`; RFC 3986 §5.2.4 in spirit): empty and `.` segments dropped, `..` removes the
 * previous segment, always one leading `/`, a trailing `/` kept when the path had one and something
 * remains. Segments are compared literally (`%2E%2E` is not `..`), like the signers.
 */
export function normalizePath(path: string): string {
  if (!needsNormalization(path)) return path
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  if (out.length === 0) return '/'
  return `/${out.join('/')}${path.charCodeAt(path.length - 1) === SLASH ? '/' : ''}`
}

/**
 * The canonical URI of a raw request path. `normalize` (all services but S3): normalised, then
 * URI-encoded again although it already is (so `%20` becomes `%2520`, "double encoding").
 * Otherwise (S3): no normalisation, and the path encoded exactly once.
 */
export function canonicalUri(rawPath: string, normalize: boolean): string {
  if (normalize) return canonicalEncode(normalizePath(rawPath), DOUBLE_ENCODED_PATH)
  return rawPath === '' ? '/' : canonicalEncode(rawPath, SINGLE_ENCODED_PATH)
}
