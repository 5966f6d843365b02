import { sha256Hex } from './sha256.js'

/** The only algorithm Lanyard verifies (SIG-17). */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256'

/** `yyyymmdd/region/service/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`
}

/**
 * The string to sign (IAM User Guide, "Create a string to sign"):
 * `AWS4-HMAC-SHA256 \n amzDate \n scope \n hex(SHA-256(canonicalRequest))`.
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`
}
