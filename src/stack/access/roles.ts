import type { ResourceView } from '../engine/changes.js'

/** A role as far as access goes: who may assume it and what its policies allow. */
export interface RoleAccess {
  /** Logical id for roles of the stack; `name:<role>` for roles outside it. */
  id: string
  /** How the role is named in the summary. */
  label: string
  /** Trust policy text (undefined for roles outside the stack). */
  trust?: string
  /** Identity policies the stack gives the role: `{ source, document }`. */
  policies: { source: string; document: string }[]
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])

/** `{{lanyard:ref:Role}}` (a role created by the plan) → its logical id. */
const refId = (name: string): string | undefined =>
  /^\{\{lanyard:ref:([A-Za-z0-9]+)\}\}$/.exec(name)?.[1]

/**
 * The roles a stack defines and the policies it attaches to roles (inline `Policies`,
 * AWS::IAM::Policy, AWS::IAM::ManagedPolicy `Roles`, `ManagedPolicyArns` of policies of the
 * stack), keyed by role.
 */
export function rolesOf(resources: ReadonlyMap<string, ResourceView>): Map<string, RoleAccess> {
  const roles = new Map<string, RoleAccess>()
  const byName = new Map<string, string>()
  for (const [id, r] of resources) {
    if (r.type !== 'AWS::IAM::Role') continue
    const p = r.properties
    const name = typeof p.RoleName === 'string' ? p.RoleName : r.physicalId
    roles.set(id, {
      id,
      label: name ?? `${id} (new role)`,
      trust: text(p.AssumeRolePolicyDocument),
      policies: (Array.isArray(p.Policies) ? p.Policies : []).map((x) => {
        const q = x as Record<string, unknown>
        return { source: `inline ${String(q.PolicyName)}`, document: text(q.PolicyDocument) }
      }),
    })
    if (name !== undefined) byName.set(name, id)
  }
  const roleFor = (name: string): RoleAccess => {
    const id = refId(name) ?? byName.get(name)
    const known = id && roles.get(id)
    if (known) return known
    const key = `name:${name}`
    let external = roles.get(key)
    if (!external) {
      external = { id: key, label: `${name} (outside this stack)`, policies: [] }
      roles.set(key, external)
    }
    return external
  }
  const managed = new Map<string, { source: string; document: string }>()
  for (const [id, r] of resources) {
    const p = r.properties
    if (r.type === 'AWS::IAM::Policy')
      for (const n of names(p.Roles))
        roleFor(n).policies.push({
          source: `policy ${String(p.PolicyName)}`,
          document: text(p.PolicyDocument),
        })
    if (r.type === 'AWS::IAM::ManagedPolicy') {
      const policy = {
        source: `managed policy ${String(p.ManagedPolicyName ?? id)}`,
        document: text(p.PolicyDocument),
      }
      managed.set(r.physicalId ?? `{{lanyard:ref:${id}}}`, policy)
      for (const n of names(p.Roles)) roleFor(n).policies.push(policy)
    }
  }
  for (const [id, r] of resources) {
    if (r.type !== 'AWS::IAM::Role') continue
    for (const arn of names(r.properties.ManagedPolicyArns)) {
      const policy = managed.get(arn)
      roles
        .get(id)
        ?.policies.push(
          policy ?? { source: `managed policy ${arn} (not in this stack)`, document: '' },
        )
    }
  }
  return roles
}
