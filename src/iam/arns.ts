/**
 * IAM ARNs (IAM User Guide, reference_identifiers "IAM ARNs"): a role or policy ARN carries its
 * path, `arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access`; an OIDC
 * provider ARN carries the provider URL without its scheme.
 */
export function roleArn(accountId: string, path: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role${path}${roleName}`
}

export function policyArn(accountId: string, path: string, policyName: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${policyName}`
}

export function oidcProviderArn(accountId: string, urlWithoutScheme: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${urlWithoutScheme}`
}

/** `arn:aws:iam::<12 digits or "aws">:policy[/path]/name`. */
const POLICY_ARN = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[\x21-\x7e]+\/)?)([\w+=,.@-]+)$/

export interface ParsedPolicyArn {
  account: string
  path: string
  policyName: string
}

/** Splits a managed policy ARN; undefined when `arn` is not one. */
export function parsePolicyArn(arn: string): ParsedPolicyArn | undefined {
  const m = POLICY_ARN.exec(arn)
  if (!m) return undefined
  return { account: m[1] as string, path: m[2] as string, policyName: m[3] as string }
}

const OIDC_PROVIDER_ARN = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/

/** The provider URL (without scheme) named by an OIDC provider ARN, or undefined. */
export function oidcProviderUrlOf(arn: string): { account: string; url: string } | undefined {
  const m = OIDC_PROVIDER_ARN.exec(arn)
  return m ? { account: m[1] as string, url: m[2] as string } : undefined
}
