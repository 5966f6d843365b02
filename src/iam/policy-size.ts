/**
 * A policy's size as IAM counts it against its quotas: characters, white space not counted
 * ("IAM doesn't count white space when calculating the size of a policy against these limits",
 * reference_iam-quotas). White space inside JSON strings is content, so it counts.
 */
export function policySize(text: string): number {
  let size = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      size++
      if (c === 0x5c) {
        // The escaped character belongs to the string whatever it is.
        i++
        if (i < text.length) size++
      } else if (c === 0x22) inString = false
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      // JSON insignificant white space (RFC 8259 §2)
    } else {
      size++
      if (c === 0x22) inString = true
    }
  }
  return size
}
