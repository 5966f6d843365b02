import { LanyardError } from '../errors.js'
import { assertModel, IAM_RULES } from './constraints.js'
import { IAM_MESSAGES } from './messages.js'
import type { Tag } from './types.js'

const byKey = (a: Tag, b: Tag) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/**
 * Checks the tags of one request: each key and value against the model, and no key twice —
 * "Tag keys are case insensitive" in IAM (InvalidInput otherwise).
 */
export function checkRequestTags(tags: readonly Tag[] | undefined): Tag[] {
  if (tags === undefined) return []
  assertModel(
    tags.flatMap((t, i) => [
      [`tags.${i + 1}.member.key`, t.key, IAM_RULES.tagKey] as const,
      [`tags.${i + 1}.member.value`, t.value, IAM_RULES.tagValue] as const,
    ]),
  )
  const seen = new Set<string>()
  for (const t of tags) {
    const folded = t.key.toLowerCase()
    if (seen.has(folded)) throw new LanyardError('request.invalid', IAM_MESSAGES.duplicateTagKeys)
    seen.add(folded)
  }
  return tags.map((t) => ({ key: t.key, value: t.value })).sort(byKey)
}

/**
 * Adds or overwrites tags ("If a tag with the same key name already exists, then that tag is
 * overwritten with the new value", TagRole) and throws LimitExceeded past `limit` tags.
 */
export function mergeTags(
  existing: readonly Tag[],
  incoming: readonly Tag[],
  limit: number,
  quotaName: string,
): Tag[] {
  const added = checkRequestTags(incoming)
  const folded = new Set(added.map((t) => t.key.toLowerCase()))
  const merged = [...existing.filter((t) => !folded.has(t.key.toLowerCase())), ...added].sort(byKey)
  assertTagCount(merged, limit, quotaName)
  return merged
}

/** Removes the tags with these keys (case-insensitively); absent keys are ignored. */
export function removeTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const folded = new Set(keys.map((k) => k.toLowerCase()))
  return existing.filter((t) => !folded.has(t.key.toLowerCase()))
}

export function assertTagCount(tags: readonly Tag[], limit: number, quotaName: string): void {
  if (tags.length > limit) {
    throw new LanyardError('entity.limit_exceeded', IAM_MESSAGES.quota(quotaName, limit))
  }
}
