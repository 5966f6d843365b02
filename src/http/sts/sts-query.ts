import type { AuditWriter } from '../../audit/writer.js'
import type { OperationContext } from '../../call-context.js'
import { IAM_RULES } from '../../iam/index.js'
import { isoSeconds } from '../../iso-time.js'
import { ExplainedError } from '../../sts/denied-error.js'
import type { StsService } from '../../sts/sts-service.js'
import type {
  AssumedRoleUser,
  AssumeRoleWithWebIdentityInput,
  Credentials,
  ExchangeAudit,
} from '../../sts/types.js'
import { toAwsError } from '../aws-errors.js'
import type { QueryOperation, QueryService } from '../operation.js'
import type { QueryInput, StringRule } from '../query-input.js'
import type { XmlObject } from '../xml.js'
import { buildEvent, callerIdentity, type EventInput, webIdentityUser } from './cloudtrail.js'

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'

// Constraints from the STS model (botocore sts/2011-06-15/service-2.json).
const ROLE_ARN: StringRule = { required: true, min: 20, max: 2048 }
const SESSION_NAME: StringRule = {
  required: true,
  min: 2,
  max: 64,
  pattern: /^[\w+=,.@-]*$/,
  patternText: '[\\w+=,.@-]*',
}
const POLICY: StringRule = {
  min: 1,
  max: 2048,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: tab, LF and CR are the allowed controls
  pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
  patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  sensitive: true,
}
const SOURCE_IDENTITY: StringRule = {
  min: 2,
  max: 64,
  pattern: /^[\w+=,.@-]*$/,
  patternText: '[\\w+=,.@-]*',
}

const credentialsXml = (c: Credentials): XmlObject => ({
  AccessKeyId: c.accessKeyId,
  SecretAccessKey: c.secretAccessKey,
  SessionToken: c.sessionToken,
  Expiration: isoSeconds(c.expiration * 1000),
})

const userXml = (u: AssumedRoleUser): XmlObject => ({ AssumedRoleId: u.assumedRoleId, Arn: u.arn })

/** CloudTrail shows the response without the secret and with the session token blanked. */
const credentialsRecord = (c: Credentials) => ({
  accessKeyId: c.accessKeyId,
  sessionToken: '',
  expiration: isoSeconds(c.expiration * 1000),
})

function policyArns(input: QueryInput): string[] | undefined {
  return input
    .structList('PolicyArns', { arn: { required: true, min: 20, max: 2048 } }, 10)
    ?.map((p) => p.arn as string)
}

function sessionTags(input: QueryInput) {
  return input
    .structList(
      'Tags',
      // STS's tagKeyType and tagValueType are IAM's: same lengths, same patterns.
      {
        Key: { required: true, ...IAM_RULES.tagKey },
        Value: { required: true, ...IAM_RULES.tagValue },
      },
      50,
    )
    ?.map((t) => ({ key: t.Key as string, value: t.Value as string }))
}

/** CloudTrail's additionalEventData of an AssumeRoleWithWebIdentity (shared, never mutated). */
const VERIFIED_BY_TRUST_STORE = Object.freeze({
  identityProviderConnectionVerificationMethod: 'IAMTrustStore',
})

export interface StsWireDeps {
  sts: StsService
  audit: AuditWriter
  accountId: string
}

/** STS on awsQuery: AssumeRoleWithWebIdentity (unsigned), AssumeRole, GetCallerIdentity. */
export function createStsQueryService(deps: StsWireDeps): QueryService {
  const record = async (
    ctx: OperationContext,
    eventName: string,
    params: Record<string, unknown>,
    outcome: {
      response?: Record<string, unknown>
      error?: unknown
      audit?: ExchangeAudit
      roleArn?: string
    },
  ) => {
    const audit =
      outcome.audit ?? (outcome.error instanceof ExplainedError ? outcome.error.audit : undefined)
    const wire = outcome.error === undefined ? undefined : toAwsError(outcome.error, 'sts')
    const input: EventInput = {
      ctx,
      accountId: deps.accountId,
      eventSource: 'sts.amazonaws.com',
      eventName,
      userIdentity: ctx.caller ? callerIdentity(ctx.caller) : webIdentityUser(audit ?? {}),
      readOnly: true,
      requestParameters: params,
      responseElements: outcome.response ?? null,
    }
    if (wire) input.error = { code: wire.code, message: wire.message }
    if (outcome.roleArn) input.resources = [{ type: 'AWS::IAM::Role', ARN: outcome.roleArn }]
    if (eventName === 'AssumeRoleWithWebIdentity')
      input.additionalEventData = VERIFIED_BY_TRUST_STORE
    const lanyard: NonNullable<EventInput['lanyard']> = {}
    if (audit?.decision) lanyard.decision = audit.decision
    if (audit?.reasons && audit.reasons.length > 0) lanyard.reasons = audit.reasons
    if (audit?.attribution) lanyard.attribution = audit.attribution
    input.lanyard = lanyard
    await deps.audit.record(buildEvent(input))
  }

  const assumeRoleWithWebIdentity: QueryOperation = {
    unsigned: true,
    async handle(input, ctx) {
      const roleArn = input.string('RoleArn', ROLE_ARN)
      const roleSessionName = input.string('RoleSessionName', SESSION_NAME)
      // The SDKs send the token file verbatim, newline included: trim before measuring.
      const token = input.check('WebIdentityToken', input.params.get('WebIdentityToken')?.trim(), {
        required: true,
        min: 4,
        max: 20000,
        sensitive: true,
      })
      const providerId = input.string('ProviderId', { min: 4, max: 2048 })
      const arns = policyArns(input)
      const policy = input.string('Policy', POLICY)
      const durationSeconds = input.int('DurationSeconds', { min: 900, max: 43200 })
      // The exchange is the hot path: objects are built by assignment, not conditional spreads.
      const params: Record<string, unknown> = { roleArn, roleSessionName, durationSeconds }
      if (providerId) params.providerId = providerId
      if (arns) params.policyArns = arns
      if (policy !== undefined) params.policy = policy
      try {
        input.done()
        const request: AssumeRoleWithWebIdentityInput = {
          roleArn: roleArn as string,
          roleSessionName: roleSessionName as string,
          webIdentityToken: token as string,
        }
        if (durationSeconds !== undefined) request.durationSeconds = durationSeconds
        if (policy !== undefined) request.policy = policy
        if (arns !== undefined) request.policyArns = arns
        if (providerId !== undefined) request.providerId = providerId
        const { output, audit } = await deps.sts.assumeRoleWithWebIdentity(request, ctx)
        const response: Record<string, unknown> = {
          credentials: credentialsRecord(output.credentials),
          subjectFromWebIdentityToken: output.subjectFromWebIdentityToken,
          assumedRoleUser: {
            assumedRoleId: output.assumedRoleUser.assumedRoleId,
            arn: output.assumedRoleUser.arn,
          },
          provider: output.provider,
          audience: output.audience,
        }
        if (output.packedPolicySize !== undefined)
          response.packedPolicySize = output.packedPolicySize
        await record(ctx, 'AssumeRoleWithWebIdentity', params, {
          audit,
          roleArn: roleArn as string,
          response,
        })
        return {
          Credentials: credentialsXml(output.credentials),
          SubjectFromWebIdentityToken: output.subjectFromWebIdentityToken,
          AssumedRoleUser: userXml(output.assumedRoleUser),
          PackedPolicySize: output.packedPolicySize,
          Provider: output.provider,
          Audience: output.audience,
          SourceIdentity: output.sourceIdentity,
        }
      } catch (error) {
        await record(ctx, 'AssumeRoleWithWebIdentity', params, {
          error,
          ...(roleArn !== undefined ? { roleArn } : {}),
        })
        throw error
      }
    },
  }

  const assumeRole: QueryOperation = {
    async handle(input, ctx) {
      const roleArn = input.string('RoleArn', ROLE_ARN)
      const roleSessionName = input.string('RoleSessionName', SESSION_NAME)
      const arns = policyArns(input)
      const policy = input.string('Policy', { ...POLICY, max: 131072 })
      const durationSeconds = input.int('DurationSeconds', { min: 900, max: 43200 })
      const externalId = input.string('ExternalId', {
        min: 2,
        max: 1224,
        pattern: /^[\w+=,.@:/-]*$/,
        patternText: '[\\w+=,.@:\\/-]*',
      })
      const serialNumber = input.string('SerialNumber', {
        min: 9,
        max: 256,
        pattern: /^[\w+=/:,.@-]*$/,
        patternText: '[\\w+=/:,.@-]*',
      })
      // A one-time code is a credential: a malformed one is not echoed either.
      const tokenCode = input.string('TokenCode', {
        min: 6,
        max: 6,
        pattern: /^\d*$/,
        patternText: '[\\d]*',
        sensitive: true,
      })
      const sourceIdentity = input.string('SourceIdentity', SOURCE_IDENTITY)
      const tags = sessionTags(input)
      const transitiveTagKeys = input.list('TransitiveTagKeys', { min: 1, max: 128 }, 50)
      // The one-time code is a credential: it is never recorded.
      const params = {
        roleArn,
        roleSessionName,
        durationSeconds,
        ...(externalId ? { externalId } : {}),
        ...(serialNumber ? { serialNumber } : {}),
        ...(sourceIdentity ? { sourceIdentity } : {}),
        ...(tags ? { tags } : {}),
        ...(transitiveTagKeys ? { transitiveTagKeys } : {}),
      }
      try {
        input.done()
        const { output, audit } = await deps.sts.assumeRole(
          {
            roleArn: roleArn as string,
            roleSessionName: roleSessionName as string,
            ...(durationSeconds !== undefined ? { durationSeconds } : {}),
            ...(policy !== undefined ? { policy } : {}),
            ...(arns !== undefined ? { policyArns: arns } : {}),
            ...(externalId !== undefined ? { externalId } : {}),
            ...(serialNumber !== undefined ? { serialNumber } : {}),
            ...(tokenCode !== undefined ? { tokenCode } : {}),
            ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
            ...(tags !== undefined ? { tags } : {}),
            ...(transitiveTagKeys !== undefined ? { transitiveTagKeys } : {}),
          },
          ctx,
        )
        await record(ctx, 'AssumeRole', params, {
          audit,
          roleArn: roleArn as string,
          response: {
            credentials: credentialsRecord(output.credentials),
            assumedRoleUser: {
              assumedRoleId: output.assumedRoleUser.assumedRoleId,
              arn: output.assumedRoleUser.arn,
            },
            ...(output.packedPolicySize !== undefined
              ? { packedPolicySize: output.packedPolicySize }
              : {}),
            ...(output.sourceIdentity !== undefined
              ? { sourceIdentity: output.sourceIdentity }
              : {}),
          },
        })
        return {
          Credentials: credentialsXml(output.credentials),
          AssumedRoleUser: userXml(output.assumedRoleUser),
          PackedPolicySize: output.packedPolicySize,
          SourceIdentity: output.sourceIdentity,
        }
      } catch (error) {
        await record(ctx, 'AssumeRole', params, {
          error,
          ...(roleArn !== undefined ? { roleArn } : {}),
        })
        throw error
      }
    },
  }

  const getCallerIdentity: QueryOperation = {
    async handle(input, ctx) {
      input.done()
      const id = deps.sts.getCallerIdentity(ctx)
      await record(ctx, 'GetCallerIdentity', {}, {})
      return { UserId: id.userId, Account: id.account, Arn: id.arn }
    },
  }

  return {
    signingName: 'sts',
    namespace: STS_NAMESPACE,
    version: '2011-06-15',
    operations: new Map([
      ['AssumeRoleWithWebIdentity', assumeRoleWithWebIdentity],
      ['AssumeRole', assumeRole],
      ['GetCallerIdentity', getCallerIdentity],
    ]),
  }
}
