import { LanyardError } from '../errors.js'
import { assertIntRange, assertModel, IAM_INT_RULES, IAM_RULES } from './constraints.js'
import { IAM_MESSAGES } from './messages.js'
import type { Paged, PageOptions } from './types.js'

/** IAM's default page size ("If you do not include this parameter, the number of items defaults to 100"). */
export const DEFAULT_MAX_ITEMS = 100

/** The page size asked for, checked against the model (1..1000). */
export function maxItemsOf(page: PageOptions | undefined): number {
  assertIntRange('maxItems', page?.maxItems, IAM_INT_RULES.maxItems)
  if (page?.marker !== undefined) assertModel([['marker', page.marker, IAM_RULES.marker]])
  return page?.maxItems ?? DEFAULT_MAX_ITEMS
}

const OFFSET_MARKER = /^o([1-9][0-9]{0,8})$/

/**
 * Pages an in-memory list (a role's tags, inline policies, attachments, a policy's versions).
 * The marker is opaque to clients; here it encodes the offset of the next item.
 */
export function pageList<T>(items: readonly T[], page: PageOptions | undefined): Paged<T> {
  const maxItems = maxItemsOf(page)
  let start = 0
  if (page?.marker !== undefined) {
    const m = OFFSET_MARKER.exec(Buffer.from(page.marker, 'base64url').toString('latin1'))
    if (!m) throw new LanyardError('request.invalid', IAM_MESSAGES.invalidMarker)
    start = Number(m[1])
  }
  const end = start + maxItems
  const slice = items.slice(start, end)
  if (end >= items.length) return { items: slice, isTruncated: false }
  return { items: slice, isTruncated: true, marker: Buffer.from(`o${end}`).toString('base64url') }
}
