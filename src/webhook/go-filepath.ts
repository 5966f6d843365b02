/**
 * Go's `filepath.Join` on a Unix host, which the upstream webhook uses to build the token file
 * path: empty elements are ignored and the result is `Clean`ed (no trailing slash, no `.` or
 * `..` segments, no doubled slashes). Node's `path.posix.join` differs on the trailing slash and
 * on all-empty input.
 */
export function joinGoPath(...elements: string[]): string {
  const parts = elements.filter((e) => e !== '')
  return parts.length === 0 ? '' : cleanGoPath(parts.join('/'))
}

/** Go's `path.Clean` (Rob Pike, "Lexical File Names in Plan 9"). */
export function cleanGoPath(path: string): string {
  if (path === '') return '.'
  const rooted = path.startsWith('/')
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
      continue
    }
    out.push(segment)
  }
  const joined = out.join('/')
  if (rooted) return `/${joined}`
  return joined === '' ? '.' : joined
}
