import { LanyardError } from '../errors.js'

// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label / IsDNS1123Subdomain.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1123_LABEL_MAX = 63
const DNS1123_SUBDOMAIN_MAX = 253

/** Shortens user input before it is quoted in an error message. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value)
  return `\`${text.length > 64 ? `${text.slice(0, 64)}…` : text}\``
}

/** Namespaces are DNS-1123 labels (`ValidateNamespaceName`). */
export function assertDns1123Label(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length > DNS1123_LABEL_MAX || !DNS1123_LABEL.test(value)) {
    throw new LanyardError(
      'request.invalid',
      `${what} ${quote(value)} is not a valid dns-1123 label (lower-case alphanumerics and \`-\`, at most 63 characters)`,
    )
  }
}

/** Service account, pod and node names are DNS-1123 subdomains (`NameIsDNSSubdomain`). */
export function assertDns1123Subdomain(what: string, value: unknown): asserts value is string {
  if (
    typeof value !== 'string' ||
    value.length > DNS1123_SUBDOMAIN_MAX ||
    !DNS1123_SUBDOMAIN.test(value)
  ) {
    throw new LanyardError(
      'request.invalid',
      `${what} ${quote(value)} is not a valid dns-1123 subdomain (lower-case alphanumerics, \`-\` and \`.\`, at most 253 characters)`,
    )
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Object uids in Kubernetes are RFC 4122 strings; we refuse anything else rather than guess. */
export function assertUid(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new LanyardError('request.invalid', `${what} ${quote(value)} is not a uuid`)
  }
}
