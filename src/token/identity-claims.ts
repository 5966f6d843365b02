import { TOKEN_MESSAGES, tokenError } from './messages.js'

/** The `kubernetes.io` claim of a projected service-account token (`pkg/serviceaccount/claims.go`). */
export interface KubernetesIdentity {
  readonly namespace: string | undefined
  readonly serviceAccount: { readonly name: string; readonly uid: string } | undefined
  readonly pod: { readonly name: string; readonly uid: string } | undefined
}

/** One session tag from the `https://aws.amazon.com/tags` claim. */
export interface SessionTag {
  readonly key: string
  readonly value: string
}

/** The `https://aws.amazon.com/tags` claim, shape-checked only; limits are the caller's. */
export interface SessionTagsClaim {
  readonly principalTags: readonly SessionTag[]
  readonly transitiveTagKeys: readonly string[]
}

const TAGS_CLAIM = 'https://aws.amazon.com/tags'
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity'

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function nameAndUid(value: unknown): { name: string; uid: string } | undefined {
  if (!isObject(value)) return undefined
  const { name, uid } = value
  return typeof name === 'string' && typeof uid === 'string' ? { name, uid } : undefined
}

/**
 * The Kubernetes identity a projected service-account token carries, or `undefined` when it has
 * no `kubernetes.io` object. Members of the wrong type are left out rather than refused: they
 * only feed optional principal tags.
 */
export function kubernetesIdentity(
  claims: Record<string, unknown>,
): KubernetesIdentity | undefined {
  const k8s = claims['kubernetes.io']
  if (!isObject(k8s)) return undefined
  return {
    namespace: typeof k8s.namespace === 'string' ? k8s.namespace : undefined,
    serviceAccount: nameAndUid(k8s.serviceaccount),
    pod: nameAndUid(k8s.pod),
  }
}

const invalid = (claim: string) => tokenError('token.malformed', TOKEN_MESSAGES.invalidClaim(claim))

/**
 * The session-tag claim (IAM User Guide, "Passing session tags using AssumeRoleWithWebIdentity"):
 * `{ "principal_tags": { "<key>": ["<value>"] }, "transitive_tag_keys": ["<key>"] }`. Each tag
 * has a single value; a one-element array or a plain string is taken, anything else is refused.
 * Counts, lengths, character sets and the `sts:TagSession` permission are checked by STS.
 */
export function sessionTagsClaim(claims: Record<string, unknown>): SessionTagsClaim | undefined {
  const claim = claims[TAGS_CLAIM]
  if (claim === undefined) return undefined
  if (!isObject(claim)) throw invalid(TAGS_CLAIM)
  const { principal_tags: principal, transitive_tag_keys: transitive } = claim
  const principalTags: SessionTag[] = []
  if (principal !== undefined) {
    if (!isObject(principal)) throw invalid(TAGS_CLAIM)
    for (const [key, raw] of Object.entries(principal)) {
      const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw
      if (typeof value !== 'string') throw invalid(TAGS_CLAIM)
      principalTags.push({ key, value })
    }
  }
  let transitiveTagKeys: string[] = []
  if (transitive !== undefined) {
    if (!Array.isArray(transitive) || !transitive.every((k) => typeof k === 'string')) {
      throw invalid(TAGS_CLAIM)
    }
    transitiveTagKeys = transitive
  }
  return { principalTags, transitiveTagKeys }
}

/** The `https://aws.amazon.com/source_identity` claim (IAM User Guide, source identity). */
export function sourceIdentityClaim(claims: Record<string, unknown>): string | undefined {
  const value = claims[SOURCE_IDENTITY_CLAIM]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalid(SOURCE_IDENTITY_CLAIM)
  return value
}
