import type { Attribution } from '../audit/event.js'
import type { Decision } from '../policy/index.js'

/** What the token verifier hands STS (see src/token). */
export interface VerifiedWebIdentity {
  issuer: string
  provider: { arn: string; url: string }
  subject: string
  /** The `aud` value that matched one of the provider's client ids. */
  audience: string
  audiences: readonly string[]
  claims: Readonly<Record<string, unknown>>
  jti?: string | undefined
}

export interface WebIdentityVerifier {
  verify(token: string): Promise<VerifiedWebIdentity>
}

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** Epoch seconds. */
  expiration: number
}

export interface AssumedRoleUser {
  arn: string
  assumedRoleId: string
}

export interface AssumeRoleWithWebIdentityInput {
  roleArn: string
  roleSessionName: string
  webIdentityToken: string
  durationSeconds?: number
  policy?: string
  policyArns?: string[]
  providerId?: string
}

export interface AssumeRoleWithWebIdentityOutput {
  credentials: Credentials
  assumedRoleUser: AssumedRoleUser
  subjectFromWebIdentityToken: string
  provider: string
  audience: string
  packedPolicySize?: number
  sourceIdentity?: string
}

export interface AssumeRoleInput {
  roleArn: string
  roleSessionName: string
  durationSeconds?: number
  policy?: string
  policyArns?: string[]
  externalId?: string
  /** The MFA device's serial number and its one-time code (AssumeRole's `SerialNumber`, `TokenCode`). */
  serialNumber?: string
  tokenCode?: string
  sourceIdentity?: string
  tags?: { key: string; value: string }[]
  transitiveTagKeys?: string[]
}

export interface AssumeRoleOutput {
  credentials: Credentials
  assumedRoleUser: AssumedRoleUser
  packedPolicySize?: number
  sourceIdentity?: string
}

/** Why an exchange was refused, for the audit trail and `lanyard explain` (never on the wire). */
export interface DenialDetail {
  reasons: string[]
  decision?: Decision
}

/** What the audit record of an exchange needs besides the wire input and output. */
export interface ExchangeAudit {
  decision?: Decision
  reasons?: string[]
  webIdentity?: { providerArn: string; subject: string; audience: string; issuer: string }
  attribution?: Attribution
}
