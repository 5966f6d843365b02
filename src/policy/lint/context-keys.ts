/**
 * What the analyzer knows about condition keys (reference_policies_condition-keys,
 * reference_policies_condition-single-vs-multi-valued-context-keys). Lists are lower-case.
 */

/**
 * Multivalued keys ("Value type: Multivalued", or `ArrayOf…` in the Service Authorization
 * Reference). `ForAllValues:`/`ForAnyValue:` belong on these only.
 */
export const MULTIVALUED_KEYS: readonly string[] = [
  'aws:tagkeys',
  'aws:principalorgpaths',
  'aws:principalservicenameslist',
  'aws:calledvia',
  'aws:sourceorgpaths',
  'aws:resourceorgpaths',
  'sts:transitivetagkeys',
  'dynamodb:attributes',
  'dynamodb:leadingkeys',
]

/** Claims of web identity tokens that are lists: `<provider>:amr` (reference_policies_iam-condition-keys, amr). */
const MULTIVALUED_CLAIMS = [':amr']

/** Whether a key is multivalued (built-in list, OIDC `amr`, or the caller's extra keys). */
export function isMultivaluedKey(lowerKey: string, extra: ReadonlySet<string>): boolean {
  return (
    MULTIVALUED_KEYS.includes(lowerKey) ||
    extra.has(lowerKey) ||
    MULTIVALUED_CLAIMS.some((claim) => lowerKey.endsWith(claim))
  )
}

/**
 * Global keys documented as "always included in the request context": a negated operator on
 * them cannot meet an absent key. Everything else may be absent (e.g. `aws:SourceIp` through a
 * VPC endpoint, `aws:username` for roles, token claims the issuer leaves out).
 */
export const ALWAYS_PRESENT_KEYS: readonly string[] = [
  'aws:currenttime',
  'aws:epochtime',
  'aws:securetransport',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:principalisawsservice',
  'aws:userid',
  'aws:requestedregion',
  'aws:viaawsservice',
]
