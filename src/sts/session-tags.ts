import { LanyardError } from '../errors.js'

export interface SessionTags {
  tags: Record<string, string>
  transitiveTagKeys: string[]
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u
export const MAX_SESSION_TAGS = 50

const invalid = (why: string) =>
  new LanyardError('token.malformed', `The web identity token carries invalid session tags: ${why}`)

/**
 * Reads the `https://aws.amazon.com/tags` claim (id_session-tags: principal_tags maps a key to a
 * one-element list; transitive_tag_keys lists keys). Undefined when the claim is absent.
 */
export function readSessionTagsClaim(claim: unknown): SessionTags | undefined {
  if (claim === undefined) return undefined
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim))
    throw invalid('the claim must be an object')
  const { principal_tags: principal, transitive_tag_keys: transitive } = claim as Record<
    string,
    unknown
  >
  const tags: Record<string, string> = {}
  const seen = new Set<string>()
  if (principal !== undefined) {
    if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) {
      throw invalid('principal_tags must be an object')
    }
    for (const [key, value] of Object.entries(principal)) {
      const v = Array.isArray(value) && value.length === 1 ? value[0] : value
      if (!TAG_KEY.test(key) || typeof v !== 'string' || !TAG_VALUE.test(v))
        throw invalid(`tag \`${key.slice(0, 128)}\``)
      // Tag keys are unique without regard to case (id_session-tags).
      if (seen.has(key.toLowerCase())) throw invalid(`duplicate tag key \`${key}\``)
      seen.add(key.toLowerCase())
      tags[key] = v
    }
  }
  if (Object.keys(tags).length > MAX_SESSION_TAGS)
    throw invalid(`more than ${MAX_SESSION_TAGS} tags`)
  const transitiveTagKeys: string[] = []
  if (transitive !== undefined) {
    if (
      !Array.isArray(transitive) ||
      transitive.some((k) => typeof k !== 'string' || !seen.has(k.toLowerCase()))
    ) {
      throw invalid('transitive_tag_keys must list keys of principal_tags')
    }
    transitiveTagKeys.push(...(transitive as string[]))
  }
  return { tags, transitiveTagKeys }
}

/**
 * The session tags of an AssumeRole request against the transitive tags the calling session
 * passes on (id_session-tags): keys are unique without regard to case, a key inherited as
 * transitive cannot be passed again ("If you pass a session tag with the same key as an
 * inherited tag, the operation fails", AssumeRole's API reference), and together they are at
 * most 50. The merged tags are returned. The error code of these refusals is not documented:
 * `ValidationError`, with IAM's message for duplicate keys.
 */
export function mergeRequestTags(
  requested: readonly { key: string; value: string }[],
  inherited: Readonly<Record<string, string>>,
): Record<string, string> {
  const tags: Record<string, string> = { ...inherited }
  const seen = new Set(Object.keys(inherited).map((k) => k.toLowerCase()))
  const own = new Set<string>()
  for (const { key, value } of requested) {
    const folded = key.toLowerCase()
    if (own.has(folded))
      throw new LanyardError(
        'request.invalid',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      )
    if (seen.has(folded))
      throw new LanyardError(
        'request.invalid',
        `Session tag key ${key} is inherited as a transitive tag from the calling session and cannot be passed again.`,
      )
    own.add(folded)
    tags[key] = value
  }
  if (Object.keys(tags).length > MAX_SESSION_TAGS)
    throw new LanyardError(
      'request.invalid',
      `A session can have at most ${MAX_SESSION_TAGS} session tags, inherited transitive tags included.`,
    )
  return tags
}
