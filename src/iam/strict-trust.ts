import { oidcProviderUrlOf } from './arns.js'

/**
 * The `--strict-trust` rule: every Allow statement of a trust policy that trusts an IAM OIDC
 * provider (`Principal.Federated` = `arn:aws:iam::<acct>:oidc-provider/<url>`) must carry
 * conditions on both `<url>:sub` and `<url>:aud`. Without `sub`, any service account of the
 * issuer's cluster can assume the role; without `aud`, tokens minted for another audience can
 * (EKS IRSA guide; IAM condition keys for OIDC, reference_policies_iam-condition-keys#condition-keys-wif).
 * AWS itself does not require this, hence a server setting.
 *
 * Returns the reason the policy is refused, or undefined when it passes. Condition key names are
 * compared without regard to case, as IAM does.
 */
export function strictTrustViolation(document: unknown): string | undefined {
  if (!isObject(document)) return undefined
  const raw = document.Statement
  const statements = Array.isArray(raw) ? raw : [raw]
  for (const [index, statement] of statements.entries()) {
    if (!isObject(statement) || statement.Effect !== 'Allow') continue
    const principal = statement.Principal
    if (!isObject(principal)) continue
    const keys = conditionKeys(statement.Condition)
    for (const federated of asList(principal.Federated)) {
      const provider = oidcProviderUrlOf(federated)
      if (!provider) continue
      const missing = ['sub', 'aud']
        .map((claim) => `${provider.url}:${claim}`)
        .filter((key) => !keys.has(key.toLowerCase()))
      if (missing.length > 0) {
        return `Statement ${index} trusts ${federated} without a condition on ${missing.join(' and ')}; this server requires conditions on both ${provider.url}:sub and ${provider.url}:aud`
      }
    }
  }
  return undefined
}

function conditionKeys(condition: unknown): Set<string> {
  const keys = new Set<string>()
  if (!isObject(condition)) return keys
  for (const block of Object.values(condition)) {
    if (isObject(block)) for (const key of Object.keys(block)) keys.add(key.toLowerCase())
  }
  return keys
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v]
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
