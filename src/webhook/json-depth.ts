/**
 * Deepest nesting of objects and arrays accepted in a review. A Pod needs about 15 levels
 * (`metadata.managedFields[].fieldsV1` mirrors the object's paths); `JSON.parse` itself takes
 * seconds on a few MiB of `[[[[…` and the result cannot be cloned or serialised.
 */
export const MAX_REVIEW_DEPTH = 100

/**
 * True when the JSON text nests objects or arrays deeper than `max`. One linear pass that skips
 * strings (with their escapes); it does not validate the text, `JSON.parse` does that after.
 */
export function exceedsJsonDepth(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
      continue
    }
    if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}
