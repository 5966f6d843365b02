/**
 * AssumeRole's MFA parameters. AWS checks `TokenCode` against the MFA device `SerialNumber`
 * names, which must belong to the calling IAM user. Lanyard keeps no IAM users and no MFA
 * devices, so no serial number can be associated with a caller: a request naming one is refused
 * as AWS refuses a serial number that is not the caller's, and a request giving only one of the
 * two as AWS refuses that. The messages are AWS's (seen in the AWS CLI's and SDKs' issue
 * trackers, `AccessDenied`, 403). Without either parameter the session is made without MFA, and
 * `aws:MultiFactorAuthPresent` is not true in it.
 */
export const MFA_MESSAGES = {
  incomplete:
    'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
  unknownDevice:
    'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
} as const

/** Why the MFA parameters fail, with the reason `lanyard explain` shows; `undefined` if absent. */
export function mfaFailure(
  serialNumber: string | undefined,
  tokenCode: string | undefined,
): { message: string; reason: string } | undefined {
  if (serialNumber === undefined && tokenCode === undefined) return undefined
  if (serialNumber === undefined || tokenCode === undefined)
    return {
      message: MFA_MESSAGES.incomplete,
      reason: `only ${serialNumber === undefined ? 'TokenCode' : 'SerialNumber'} was given; MFA needs both`,
    }
  return {
    message: MFA_MESSAGES.unknownDevice,
    reason: `MFA device \`${serialNumber}\` is not associated with the caller: Lanyard keeps no IAM users or MFA devices`,
  }
}
