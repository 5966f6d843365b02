import { type ErrorCode, LanyardError } from '../errors.js'

/**
 * The messages STS puts in `<Message>` for each token failure. These are AWS's texts, so they
 * break the house style (capitals, no backticks) on purpose: clients and people search for them.
 * Sources and the UNCONFIRMED ones are listed in docs/token-verification.md. None of them ever
 * contains the token, a signature or key material; only `iss`, which AWS itself echoes.
 */
export const TOKEN_MESSAGES = {
  /** Observed (mozilla-iam/mozilla-aws-cli#127, aws-actions/configure-aws-credentials#280). */
  untrustedIssuer: (iss: string) => `No OpenIDConnect provider found in your account for ${iss}`,
  /** Observed (aws-actions/configure-aws-credentials#775, awslabs/amazon-eks-irsa-cfn#18). */
  audienceMismatch: 'Incorrect token audience',
  /**
   * Observed for `aud` (aws/aws-sdk-ruby#2698) and `sub` (aws-actions/configure-aws-credentials
   * #502); for other claim names UNCONFIRMED.
   */
  missingClaim: (claim: string) => `Missing a required claim: ${claim}`,
  /**
   * Observed, including the double space (raw XML in awslabs/aws-sdk-rust#827; also
   * aws/amazon-eks-pod-identity-webhook#12 for a `kid` the JWKS lacks).
   */
  noVerificationKey:
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
  /** Observed, including the missing space (awslabs/aws-orbit-workbench#707, #771, #890). */
  expired: (nowSeconds: number, exp: number) =>
    `Token expired: current date/time ${nowSeconds} must be before the expiration date/time${exp}`,
  /** Observed (mozilla-iam/mozilla-aws-cli#146, #155); what the number counts is UNCONFIRMED. */
  tooOld: (ageSeconds: number) => `Token too old: ${ageSeconds}`,
  /** UNCONFIRMED: no AWS response for a token that is not a JWT was found. */
  malformed:
    'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
  /** UNCONFIRMED. */
  badSignature: 'Invalid token signature',
  /** UNCONFIRMED. */
  unsupportedAlgorithm: 'Unsupported token signing algorithm',
  /** UNCONFIRMED. */
  notYetValid: 'Token is not yet valid',
  /** UNCONFIRMED. */
  issuedInFuture: 'Token was issued in the future',
  /** UNCONFIRMED. */
  invalidClaim: (claim: string) => `Invalid claim: ${claim}`,
} as const

/** Longest `iss` echoed back: an IAM provider URL is at most 255 characters after `https://`. */
const MAX_ECHOED_ISSUER = 263

/** `iss` as it may appear in a message: AWS echoes it, but a 20 kB value is not worth echoing. */
export function echoIssuer(iss: string): string {
  return iss.length > MAX_ECHOED_ISSUER ? `${iss.slice(0, MAX_ECHOED_ISSUER)}...` : iss
}

/** A token failure; `cause` keeps the library error (jose, node:crypto, fetch) for logs. */
export function tokenError(code: ErrorCode, message: string, cause?: unknown): LanyardError {
  return cause === undefined
    ? new LanyardError(code, message)
    : new LanyardError(code, message, { cause })
}
