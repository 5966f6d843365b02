import { Agent } from 'node:https'
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam'
import { LanyardError } from '../errors.js'
import { createRequestContext, evaluatePolicies, parsePolicy } from '../policy/index.js'
import type { CheckRole } from './types.js'

/** The two IAM calls the check makes; an `IAMClient` is one. */
export interface RoleCheckIam {
  send(
    command: GetRoleCommand,
  ): Promise<{ Role?: { Arn?: string; AssumeRolePolicyDocument?: string } }>
  send(command: GetOpenIDConnectProviderCommand): Promise<{ ClientIDList?: string[] }>
}

/** Options of {@link createRoleCheck}. */
export interface RoleCheckOptions {
  /** IAM of the Lanyard that will answer `AssumeRoleWithWebIdentity`. */
  iam: RoleCheckIam
  /** The cluster's service-account issuer URL (`--service-account-issuer`), e.g. `https://…/id/ABC`. */
  issuer: string
  /** How long an answer is reused, in ms (a Deployment's Pods share it); default 60 s. */
  cacheTtlMs?: number
  /** Clock for the cache; defaults to `Date.now`. */
  now?: () => number
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]+)$/
const CACHE_LIMIT = 1000

/**
 * The IAM OIDC provider "URL" of an issuer: host and path without the scheme, as IAM stores it
 * and as trust-policy condition keys are prefixed (`<host/path>:sub`, id_roles_providers_oidc).
 */
export function providerPathOf(issuer: string): string {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    throw new LanyardError('config.invalid', `issuer \`${issuer}\` is not a url`)
  }
  // Lanyard also serves plain-HTTP issuers for local work; the path is formed the same way.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LanyardError('config.invalid', `issuer \`${issuer}\` is not an http(s) url`)
  }
  return `${url.host}${url.pathname}`.replace(/\/+$/, '')
}

const isNoSuchEntity = (err: unknown) =>
  err instanceof NoSuchEntityException ||
  (err as { name?: unknown })?.name === 'NoSuchEntity' ||
  (err as { name?: unknown })?.name === 'NoSuchEntityException'

/**
 * The optional admission-time check (`lanyard webhook --check-roles`): would STS let this Pod's
 * token assume its role? It reads the role (`GetRole`) and the issuer's OIDC provider
 * (`GetOpenIDConnectProvider`) from Lanyard's IAM, then evaluates the role's trust policy with
 * Lanyard's policy engine for a token with `sub` = `system:serviceaccount:<ns>:<sa>`, the Pod's
 * audience and the issuer's provider as `Federated` principal. It returns warnings, never throws
 * for a refusal: the role does not exist, the provider is not registered or does not list the
 * audience, or the trust policy would deny.
 *
 * The check cannot know what the SDK will send later (`RoleSessionName`, source IP, time), so a
 * trust policy conditioned on those may be reported as refusing when STS would accept.
 *
 * @example
 * const checkRole = createRoleCheck({ iam: new IAMClient({ endpoint, region, credentials }), issuer })
 * await checkRole('arn:aws:iam::111122223333:role/app', 'team-a', 'app', 'sts.amazonaws.com')
 */
export function createRoleCheck(options: RoleCheckOptions): CheckRole {
  const providerPath = providerPathOf(options.issuer)
  const ttl = options.cacheTtlMs ?? 60_000
  const now = options.now ?? Date.now
  const cache = new Map<string, { at: number; warnings: string[] }>()

  const check = async (
    roleArn: string,
    namespace: string,
    serviceAccount: string,
    audience: string,
  ): Promise<string[]> => {
    const parsed = ROLE_ARN.exec(roleArn)
    // The mutation already warns about a role-arn that is not a role ARN.
    if (!parsed) return []
    const [, partition, account, roleName] = parsed as unknown as [string, string, string, string]
    const providerArn = `arn:${partition}:iam::${account}:oidc-provider/${providerPath}`
    const subject = `system:serviceaccount:${namespace}:${serviceAccount}`

    let role: { Arn?: string; AssumeRolePolicyDocument?: string } | undefined
    try {
      role = (await options.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role
    } catch (err) {
      if (!isNoSuchEntity(err)) throw err
    }
    // A role of that name under another path is not the role the ARN names (STS agrees).
    if (role?.Arn !== roleArn) return [`role \`${roleArn}\` does not exist`]

    const warnings: string[] = []
    try {
      const provider = await options.iam.send(
        new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }),
      )
      if (!(provider.ClientIDList ?? []).includes(audience)) {
        warnings.push(
          `oidc provider \`${providerPath}\` does not list audience \`${audience}\`: sts will refuse the token`,
        )
      }
    } catch (err) {
      if (!isNoSuchEntity(err)) throw err
      warnings.push(`oidc provider \`${providerPath}\` is not registered in account ${account}`)
    }

    // IAM returns policy documents URL-encoded (RFC 3986), GetRole included.
    const document = decodeURIComponent(role.AssumeRolePolicyDocument ?? '')
    const policy = parsePolicy(document, { kind: 'trust', label: 'trust' })
    if (!policy.ok) {
      warnings.push(`trust policy of role \`${roleArn}\` is not a valid policy`)
      return warnings
    }
    const decision = evaluatePolicies(
      {
        principal: { federated: providerArn },
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: roleArn,
        context: createRequestContext({
          [`${providerPath}:sub`]: subject,
          [`${providerPath}:aud`]: audience,
          'aws:FederatedProvider': providerArn,
        }),
      },
      { resource: [policy.policy] },
    )
    if (decision.decision !== 'allowed') {
      warnings.push(
        `trust policy of role \`${roleArn}\` does not allow \`${subject}\` with audience \`${audience}\``,
      )
    }
    return warnings
  }

  return async (roleArn, namespace, serviceAccount, audience) => {
    const key = JSON.stringify([roleArn, namespace, serviceAccount, audience])
    const hit = cache.get(key)
    if (hit && now() - hit.at < ttl) return [...hit.warnings]
    const warnings = await check(roleArn, namespace, serviceAccount, audience)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(key, { at: now(), warnings })
    return [...warnings]
  }
}

/** Options of {@link createLanyardIamClient}. */
export interface LanyardIamClientOptions {
  /** Lanyard's URL (`--lanyard-url`). */
  endpoint: string
  region?: string | undefined
  /** Credentials allowed `iam:GetRole` and `iam:GetOpenIDConnectProvider`; the SDK chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined
  /** PEM CA bundle to trust for an HTTPS Lanyard with a private CA. */
  ca?: string | Buffer | undefined
}

/** An AWS SDK IAM client aimed at Lanyard. */
export function createLanyardIamClient(options: LanyardIamClientOptions): IAMClient {
  return new IAMClient({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.ca !== undefined
      ? { requestHandler: { httpsAgent: new Agent({ ca: options.ca }) } }
      : {}),
    maxAttempts: 2,
  })
}
