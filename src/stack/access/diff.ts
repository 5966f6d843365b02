import { describeTrustedSubjects, lintPolicy } from '../../policy/index.js'
import type { ResourceView } from '../engine/changes.js'
import { type RoleAccess, rolesOf } from './roles.js'

/** The effective-access difference between two states of a stack. */
export interface AccessDiff {
  /** "any service account in namespace test … can now assume ClusterSelfDescribeRole". */
  trustGained: string[]
  trustLost: string[]
  /** "ClusterSelfDescribeRole → eks:DescribeCluster → *". */
  grantsAdded: string[]
  grantsRemoved: string[]
  /** Lint findings of the trust policies the change writes. */
  findings: string[]
}

const placeholder = /\{\{lanyard:(?:ref|att|import):?([^}]*)\}\}/g
/** Shows values known only after apply the way a reader expects. */
export const shown = (s: string): string =>
  s.replace(placeholder, (_m, what: string) =>
    what ? `(${what}, known after apply)` : '(known after apply)',
  )

const asList = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]

/** (action → resource) grants of identity policies, one line each; denials and conditions shown. */
export function grantsOf(role: RoleAccess, label = role.label): string[] {
  const out: string[] = []
  for (const p of role.policies) {
    if (p.document === '') {
      out.push(`${label} → (whatever ${p.source} allows)`)
      continue
    }
    let doc: { Statement?: unknown }
    try {
      doc = JSON.parse(p.document) as { Statement?: unknown }
    } catch {
      out.push(`${label} → (unreadable ${p.source})`)
      continue
    }
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
    for (const s of statements as Record<string, unknown>[]) {
      if (!s || typeof s !== 'object') continue
      const deny = s.Effect === 'Deny'
      const actions =
        s.Action !== undefined
          ? asList(s.Action)
          : asList(s.NotAction).map((a) => `every action except ${a}`)
      const resources =
        s.Resource !== undefined
          ? asList(s.Resource)
          : asList(s.NotResource).map((r) => `every resource except ${r}`)
      const when =
        s.Condition && typeof s.Condition === 'object'
          ? ` when ${Object.values(s.Condition as Record<string, Record<string, unknown>>)
              .flatMap((c) => Object.keys(c))
              .join(', ')} match`
          : ''
      for (const a of actions)
        for (const r of resources) out.push(`${label} → ${deny ? 'denied ' : ''}${a} → ${r}${when}`)
    }
  }
  return out
}

const subjects = (role: RoleAccess): string[] =>
  role.trust === undefined ? [] : describeTrustedSubjects(role.trust)

const phrase = (line: string, label: string, change: 'now' | 'no longer'): string => {
  if (line.endsWith(' can assume this role'))
    return `${line.slice(0, -' can assume this role'.length)} can ${change} assume ${label}`
  if (line.endsWith(' cannot assume this role (explicit Deny)'))
    return `${line.slice(0, -' cannot assume this role (explicit Deny)'.length)} ${change === 'now' ? 'is now explicitly denied' : 'is no longer explicitly denied'} assuming ${label}`
  return `${line} (${change === 'now' ? 'new' : 'gone'}: ${label})`
}

const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x))

/**
 * Who gains or loses the ability to assume which roles (from the trust policies, with the policy
 * engine's `describeTrustedSubjects`), which (role → action → resource) grants appear or
 * disappear, and the lint findings of the trust policies being written.
 */
export function accessDiff(
  before: ReadonlyMap<string, ResourceView>,
  after: ReadonlyMap<string, ResourceView>,
): AccessDiff {
  const b = rolesOf(before)
  const a = rolesOf(after)
  const diff: AccessDiff = {
    trustGained: [],
    trustLost: [],
    grantsAdded: [],
    grantsRemoved: [],
    findings: [],
  }
  for (const id of new Set([...b.keys(), ...a.keys()])) {
    const old = b.get(id)
    const next = a.get(id)
    const label = shown((next ?? old)?.label ?? id)
    const oldSubjects = old ? subjects(old) : []
    const newSubjects = next ? subjects(next) : []
    for (const s of minus(newSubjects, oldSubjects))
      diff.trustGained.push(shown(phrase(s, label, 'now')))
    for (const s of minus(oldSubjects, newSubjects))
      diff.trustLost.push(shown(phrase(s, label, 'no longer')))
    const oldGrants = old ? grantsOf(old, label).map(shown) : []
    const newGrants = next ? grantsOf(next, label).map(shown) : []
    diff.grantsAdded.push(...minus(newGrants, oldGrants))
    diff.grantsRemoved.push(...minus(oldGrants, newGrants))
    if (next?.trust !== undefined && next.trust !== old?.trust)
      for (const f of lintPolicy(next.trust, { kind: 'trust' }))
        diff.findings.push(
          shown(`${label}: ${f.severity} ${f.code} at ${f.path || '(document)'}: ${f.message}`),
        )
  }
  return diff
}

/** The diff as summary lines (CLI output, DescribeChangeSet's StatusReason). */
export function accessLines(d: AccessDiff): string[] {
  const out: string[] = []
  if (d.trustGained.length + d.trustLost.length > 0) {
    out.push('Who can assume which roles:')
    for (const l of d.trustGained) out.push(`  + ${l}`)
    for (const l of d.trustLost) out.push(`  - ${l}`)
  }
  if (d.grantsAdded.length + d.grantsRemoved.length > 0) {
    out.push('Grants (role → action → resource):')
    for (const l of d.grantsAdded) out.push(`  + ${l}`)
    for (const l of d.grantsRemoved) out.push(`  - ${l}`)
  }
  if (d.findings.length > 0) {
    out.push('Trust policy findings:')
    for (const l of d.findings) out.push(`  ! ${l}`)
  }
  return out
}
