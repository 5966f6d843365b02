import { createHash } from 'node:crypto'

/**
 * A stable uid for a service account that has no real Kubernetes object behind it: the same
 * issuer, namespace and name always give the same uid, so repeated tokens agree.
 *
 * It is an RFC 9562 §5.8 UUIDv8 built name-based with SHA-256 as in RFC 9562 Appendix B.2:
 * the first 16 bytes of `SHA-256("lanyard:serviceaccount-uid\n" + issuer + "\n" + namespace +
 * "\n" + name)`, with the version nibble set to 8 and the variant bits to `10`.
 */
export function deriveServiceAccountUid(issuer: string, namespace: string, name: string): string {
  const digest = createHash('sha256')
    .update(`lanyard:serviceaccount-uid\n${issuer}\n${namespace}\n${name}`)
    .digest()
  const bytes = digest.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
