import { hasWildcard, matchWildcard } from '../wildcard.js'

/**
 * What a `sub` condition value admits, for the two subject shapes that matter most:
 * Kubernetes service accounts (`system:serviceaccount:<namespace>:<name>`, EKS IRSA) and GitHub
 * Actions (`repo:<owner>/<repo>:<context>`). Patterns are probed with names no real subject
 * uses: a pattern that matches the probe admits every name in that position.
 */
export type SubjectScope =
  /** Exactly one service account. */
  | { readonly kind: 'serviceAccount'; readonly namespace: string; readonly name: string }
  /** Every service account of one namespace (`system:serviceaccount:ns:*`). */
  | { readonly kind: 'namespace'; readonly namespace: string }
  /** A wildcard in the namespace: the name follows into every (matching) namespace. */
  | { readonly kind: 'anyNamespace'; readonly namespace: string; readonly name: string }
  /** Every service account of every namespace (`system:serviceaccount:*`). */
  | { readonly kind: 'allServiceAccounts' }
  /** Every repository of one GitHub owner (`repo:org/*`). */
  | { readonly kind: 'owner'; readonly owner: string }
  /** Every GitHub repository (`repo:*`). */
  | { readonly kind: 'allRepositories' }
  /** Every subject the issuer signs (`*`). */
  | { readonly kind: 'any' }
  /** One literal subject of another shape. */
  | { readonly kind: 'literal'; readonly subject: string }
  /** Some other pattern. */
  | { readonly kind: 'pattern'; readonly pattern: string }

const SA_PREFIX = 'system:serviceaccount:'
const REPO_PREFIX = 'repo:'
// Names no real subject uses, so a pattern matching them admits anything in their place.
const PROBE_NS = 'zz-lanyard-probe-ns'
const PROBE_NAME = 'zz-lanyard-probe-sa'
const PROBE_OWNER = 'zz-lanyard-probe-owner'
const PROBE_REPO = 'zz-lanyard-probe-repo'
const PROBE_SUBJECT = 'zz-lanyard-probe-subject'
const PROBE_GITHUB_TAIL = 'ref:refs/heads/zz-lanyard-probe'

/** The literal text before the first wildcard. */
function literalHead(pattern: string): string {
  const star = pattern.indexOf('*')
  const qmark = pattern.indexOf('?')
  const cut = star < 0 ? qmark : qmark < 0 ? star : Math.min(star, qmark)
  return cut < 0 ? pattern : pattern.slice(0, cut)
}

function classifyLiteral(subject: string): SubjectScope {
  if (subject.startsWith(SA_PREFIX)) {
    const parts = subject.slice(SA_PREFIX.length).split(':')
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
      return { kind: 'serviceAccount', namespace: parts[0] as string, name: parts[1] as string }
    }
  }
  return { kind: 'literal', subject }
}

function classifyServiceAccountPattern(pattern: string): SubjectScope {
  if (matchWildcard(pattern, `${SA_PREFIX}${PROBE_NS}:${PROBE_NAME}`)) {
    return { kind: 'allServiceAccounts' }
  }
  const rest = pattern.slice(SA_PREFIX.length)
  const colon = rest.indexOf(':')
  const namespace = colon < 0 ? rest : rest.slice(0, colon)
  if (colon >= 0 && !hasWildcard(namespace)) {
    if (matchWildcard(pattern, `${SA_PREFIX}${namespace}:${PROBE_NAME}`)) {
      return { kind: 'namespace', namespace }
    }
    return { kind: 'pattern', pattern }
  }
  // A wildcard in the namespace segment (a `*` there may also run over the colon).
  const name = colon < 0 ? '' : rest.slice(colon + 1)
  if (name !== '' && !hasWildcard(name)) return { kind: 'anyNamespace', namespace, name }
  return { kind: 'pattern', pattern }
}

function classifyRepositoryPattern(pattern: string): SubjectScope {
  if (matchWildcard(pattern, `${REPO_PREFIX}${PROBE_OWNER}/${PROBE_REPO}:${PROBE_GITHUB_TAIL}`)) {
    return { kind: 'allRepositories' }
  }
  const rest = pattern.slice(REPO_PREFIX.length)
  const slash = rest.indexOf('/')
  const owner = slash < 0 ? '' : rest.slice(0, slash)
  if (
    owner !== '' &&
    !hasWildcard(owner) &&
    matchWildcard(pattern, `${REPO_PREFIX}${owner}/${PROBE_REPO}:${PROBE_GITHUB_TAIL}`)
  ) {
    return { kind: 'owner', owner }
  }
  return { kind: 'pattern', pattern }
}

/**
 * Classifies one `sub` value. `wildcards` is true under `StringLike` (a `*`/`?` is a wildcard),
 * false under `StringEquals` (they are literal, IAM-07).
 */
export function classifySubject(value: string, wildcards: boolean): SubjectScope {
  if (!wildcards || !hasWildcard(value)) return classifyLiteral(value)
  const allAccounts = matchWildcard(value, `${SA_PREFIX}${PROBE_NS}:${PROBE_NAME}`)
  const allRepositories = matchWildcard(
    value,
    `${REPO_PREFIX}${PROBE_OWNER}/${PROBE_REPO}:${PROBE_GITHUB_TAIL}`,
  )
  if ((allAccounts && allRepositories) || matchWildcard(value, PROBE_SUBJECT)) {
    return { kind: 'any' }
  }
  const head = literalHead(value)
  if (head.startsWith(SA_PREFIX) || SA_PREFIX.startsWith(head)) {
    if (head.length >= SA_PREFIX.length) return classifyServiceAccountPattern(value)
    // `system:*`, `system:service*`: every service account (and more).
    if (allAccounts) return { kind: 'allServiceAccounts' }
  }
  if (head.startsWith(REPO_PREFIX) || (head !== '' && REPO_PREFIX.startsWith(head))) {
    if (head.length >= REPO_PREFIX.length) return classifyRepositoryPattern(value)
    if (allRepositories) return { kind: 'allRepositories' }
  }
  return { kind: 'pattern', pattern: value }
}
