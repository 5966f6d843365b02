import type { PolicyDocument } from '../src/policy/index.js'

/**
 * The fixed corpus of `npm run bench:policy`: three scenarios, each with IAM policies, a cycle of
 * requests with the decision AWS gives (every engine is checked against it before it is
 * timed), and the same decisions written in Cedar. Requests mix allows and denies so no engine
 * wins by short-circuiting one path.
 */

/** JSON values Cedar accepts in a context (ip addresses as `__extn`). */
export type CedarValue =
  | string
  | number
  | boolean
  | { readonly __extn: { readonly fn: string; readonly arg: string } }

/** One request, in IAM terms and in Cedar terms. */
export interface BenchRequest {
  readonly label: string
  /** IAM caller: the OIDC provider ARN for web identity, else the session ARN. */
  readonly principal: { readonly federated?: string; readonly arn?: string }
  readonly action: string
  readonly resource: string
  readonly context: Readonly<Record<string, string>>
  /** The decision AWS gives. */
  readonly allowed: boolean
  readonly cedar: {
    readonly principal: { readonly type: string; readonly id: string }
    readonly context: Readonly<Record<string, CedarValue>>
    /** Action entities with their groups, when the Cedar policy uses an action group. */
    readonly actionGroups?: readonly string[]
  }
}

export interface Scenario {
  readonly name: string
  readonly title: string
  readonly trust?: PolicyDocument
  readonly identity?: readonly PolicyDocument[]
  readonly boundary?: PolicyDocument
  readonly session?: PolicyDocument
  readonly requests: readonly BenchRequest[]
  /** The same decisions as Cedar policies (deny unless a permit applies and no forbid does). */
  readonly cedarPolicies: string
}

export const ACCOUNT = '111122223333'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/i-0abc`
const HOST_A = 'oidc.eks.us-east-1.amazonaws.com/id/A1B2C3D4E5F6'
const HOST_B = 'oidc.eks.eu-west-1.amazonaws.com/id/F6E5D4C3B2A1'
const PROVIDER_A = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST_A}`
const PROVIDER_B = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST_B}`
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity'
const STS_AUD = 'sts.amazonaws.com'

// --- Trust: an IRSA role shared by two clusters -------------------------------------------

function webIdentity(
  label: string,
  host: string,
  provider: string,
  claims: { sub?: string; aud?: string },
  allowed: boolean,
): BenchRequest {
  const context: Record<string, string> = {}
  const cedarContext: Record<string, CedarValue> = {}
  if (claims.sub !== undefined) {
    context[`${host}:sub`] = claims.sub
    cedarContext.sub = claims.sub
  }
  if (claims.aud !== undefined) {
    context[`${host}:aud`] = claims.aud
    cedarContext.aud = claims.aud
  }
  return {
    label,
    principal: { federated: provider },
    action: WEB_IDENTITY,
    resource: ROLE,
    context,
    allowed,
    cedar: { principal: { type: 'Federated', id: provider }, context: cedarContext },
  }
}

const trust: Scenario = {
  name: 'trust',
  title: 'IRSA trust policy, 2 statements (StringEquals sub+aud; StringLike sub, StringEquals aud)',
  trust: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_A },
        Action: WEB_IDENTITY,
        Condition: {
          StringEquals: {
            [`${HOST_A}:sub`]: 'system:serviceaccount:orders:api',
            [`${HOST_A}:aud`]: STS_AUD,
          },
        },
      },
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_B },
        Action: WEB_IDENTITY,
        Condition: {
          StringLike: { [`${HOST_B}:sub`]: 'system:serviceaccount:payments:*' },
          StringEquals: { [`${HOST_B}:aud`]: STS_AUD },
        },
      },
    ],
  },
  requests: [
    webIdentity(
      'A: the service account',
      HOST_A,
      PROVIDER_A,
      { sub: 'system:serviceaccount:orders:api', aud: STS_AUD },
      true,
    ),
    webIdentity(
      'A: another service account',
      HOST_A,
      PROVIDER_A,
      { sub: 'system:serviceaccount:orders:worker', aud: STS_AUD },
      false,
    ),
    webIdentity(
      'A: wrong audience',
      HOST_A,
      PROVIDER_A,
      { sub: 'system:serviceaccount:orders:api', aud: 'vault' },
      false,
    ),
    webIdentity(
      'B: a payments service account',
      HOST_B,
      PROVIDER_B,
      { sub: 'system:serviceaccount:payments:ledger', aud: STS_AUD },
      true,
    ),
    webIdentity(
      'B: look-alike namespace',
      HOST_B,
      PROVIDER_B,
      { sub: 'system:serviceaccount:payments-dev:ledger', aud: STS_AUD },
      false,
    ),
    webIdentity(
      'B: no audience claim',
      HOST_B,
      PROVIDER_B,
      { sub: 'system:serviceaccount:payments:ledger' },
      false,
    ),
    webIdentity(
      'B: A subject on B',
      HOST_B,
      PROVIDER_B,
      { sub: 'system:serviceaccount:orders:api', aud: STS_AUD },
      false,
    ),
    webIdentity(
      'A: payments subject on A',
      HOST_A,
      PROVIDER_A,
      { sub: 'system:serviceaccount:payments:ledger', aud: STS_AUD },
      false,
    ),
  ],
  cedarPolicies: `
permit (principal == Federated::"${PROVIDER_A}", action == Action::"${WEB_IDENTITY}", resource)
when { context has sub && context.sub == "system:serviceaccount:orders:api" && context has aud && context.aud == "${STS_AUD}" };
permit (principal == Federated::"${PROVIDER_B}", action == Action::"${WEB_IDENTITY}", resource)
when { context has sub && context.sub like "system:serviceaccount:payments:*" && context has aud && context.aud == "${STS_AUD}" };
`,
}

// --- Identity: a 10-statement policy with conditions ---------------------------------------

const BUCKET = 'arn:aws:s3:::data-bucket'
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`
const QUEUES = `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs-*`
const LOGS = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/*`
const PARAMETERS = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/*`
const SECRETS = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/*`

interface Env {
  secure?: boolean
  region?: string
  ip?: string
  sse?: string
  team?: string
  env?: string
  maxKeys?: number
}

function identityRequest(
  label: string,
  action: string,
  resource: string,
  env: Env,
  allowed: boolean,
  actionGroups?: readonly string[],
): BenchRequest {
  const context: Record<string, string> = {}
  const cedar: Record<string, CedarValue> = { resource }
  if (env.secure !== undefined) {
    context['aws:SecureTransport'] = String(env.secure)
    cedar.secureTransport = env.secure
  }
  if (env.region !== undefined) {
    context['aws:RequestedRegion'] = env.region
    cedar.requestedRegion = env.region
  }
  if (env.ip !== undefined) {
    context['aws:SourceIp'] = env.ip
    cedar.sourceIp = { __extn: { fn: 'ip', arg: env.ip } }
  }
  if (env.sse !== undefined) {
    context['s3:x-amz-server-side-encryption'] = env.sse
    cedar.serverSideEncryption = env.sse
  }
  if (env.team !== undefined) {
    context['aws:PrincipalTag/team'] = env.team
    cedar.principalTagTeam = env.team
  }
  if (env.env !== undefined) {
    context['aws:ResourceTag/env'] = env.env
    cedar.resourceTagEnv = env.env
  }
  if (env.maxKeys !== undefined) {
    context['s3:max-keys'] = String(env.maxKeys)
    cedar.maxKeys = env.maxKeys
  }
  return {
    label,
    principal: { arn: SESSION },
    action,
    resource,
    context,
    allowed,
    cedar: {
      principal: { type: 'Session', id: SESSION },
      context: cedar,
      ...(actionGroups === undefined ? {} : { actionGroups }),
    },
  }
}

const NET: Env = { secure: true, region: 'us-east-1', ip: '10.20.30.40' }

const identity: Scenario = {
  name: 'identity',
  title: 'identity policy, 10 statements (8 Allow, 2 Deny) with Bool/String/IP/Numeric conditions',
  identity: [
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadData',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [BUCKET, `${BUCKET}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        },
        {
          Sid: 'WriteUploads',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: `${BUCKET}/uploads/*`,
          Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        },
        {
          Sid: 'Orders',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
          Resource: TABLE,
          Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
        },
        {
          Sid: 'Jobs',
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
          Resource: QUEUES,
        },
        {
          Sid: 'Logs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: LOGS,
        },
        {
          Sid: 'PlatformParameters',
          Effect: 'Allow',
          Action: ['ssm:GetParameter', 'ssm:GetParameters'],
          Resource: PARAMETERS,
          Condition: { StringLike: { 'aws:PrincipalTag/team': 'platform-*' } },
        },
        {
          Sid: 'DescribeFromVpc',
          Effect: 'Allow',
          Action: 'ec2:Describe*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
        {
          Sid: 'ProdSecrets',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: SECRETS,
          Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
        },
        {
          Sid: 'NoBigListings',
          Effect: 'Deny',
          Action: 's3:ListBucket',
          Resource: BUCKET,
          Condition: { NumericGreaterThan: { 's3:max-keys': '1000' } },
        },
        {
          Sid: 'NoDeletes',
          Effect: 'Deny',
          Action: ['s3:DeleteObject', 'dynamodb:DeleteItem', 'dynamodb:DeleteTable'],
          Resource: '*',
        },
      ],
    },
  ],
  requests: [
    identityRequest(
      'read an object over TLS',
      's3:GetObject',
      `${BUCKET}/reports/q1.csv`,
      NET,
      true,
    ),
    identityRequest(
      'read an object without TLS',
      's3:GetObject',
      `${BUCKET}/reports/q1.csv`,
      { ...NET, secure: false },
      false,
    ),
    identityRequest(
      'upload with KMS',
      's3:PutObject',
      `${BUCKET}/uploads/a.bin`,
      { ...NET, sse: 'aws:kms' },
      true,
    ),
    identityRequest(
      'upload with AES256',
      's3:PutObject',
      `${BUCKET}/uploads/a.bin`,
      { ...NET, sse: 'AES256' },
      false,
    ),
    identityRequest('query orders', 'dynamodb:Query', TABLE, NET, true),
    identityRequest(
      'query orders from eu-west-1',
      'dynamodb:Query',
      TABLE,
      { ...NET, region: 'eu-west-1' },
      false,
    ),
    identityRequest('delete an order', 'dynamodb:DeleteItem', TABLE, NET, false),
    identityRequest(
      'send a job',
      'sqs:SendMessage',
      `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs-email`,
      NET,
      true,
    ),
    identityRequest(
      'write logs',
      'logs:PutLogEvents',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/web:log-stream:1`,
      NET,
      true,
    ),
    identityRequest(
      'platform team reads a parameter',
      'ssm:GetParameter',
      `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db-host`,
      { ...NET, team: 'platform-core' },
      true,
    ),
    identityRequest(
      'untagged caller reads a parameter',
      'ssm:GetParameter',
      `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db-host`,
      NET,
      false,
    ),
    identityRequest('describe from the VPC', 'ec2:DescribeInstances', '*', NET, true, [
      'ec2:Describe*',
    ]),
    identityRequest(
      'describe from outside',
      'ec2:DescribeInstances',
      '*',
      { ...NET, ip: '203.0.113.9' },
      false,
      ['ec2:Describe*'],
    ),
    identityRequest(
      'prod secret',
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf`,
      { ...NET, env: 'prod' },
      true,
    ),
    identityRequest('list 5000 keys', 's3:ListBucket', BUCKET, { ...NET, maxKeys: 5000 }, false),
    identityRequest(
      'unrelated service',
      'sns:Publish',
      `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
      NET,
      false,
    ),
  ],
  cedarPolicies: `
permit (principal, action in [Action::"s3:GetObject", Action::"s3:ListBucket"], resource)
when { (context.resource == "${BUCKET}" || context.resource like "${BUCKET}/*") && context has secureTransport && context.secureTransport == true };
permit (principal, action == Action::"s3:PutObject", resource)
when { context.resource like "${BUCKET}/uploads/*" && context has serverSideEncryption && context.serverSideEncryption == "aws:kms" };
permit (principal, action in [Action::"dynamodb:GetItem", Action::"dynamodb:Query", Action::"dynamodb:PutItem"], resource)
when { context.resource == "${TABLE}" && context has requestedRegion && context.requestedRegion == "us-east-1" };
permit (principal, action in [Action::"sqs:SendMessage", Action::"sqs:ReceiveMessage", Action::"sqs:DeleteMessage"], resource)
when { context.resource like "${QUEUES}" };
permit (principal, action in [Action::"logs:CreateLogStream", Action::"logs:PutLogEvents"], resource)
when { context.resource like "${LOGS}" };
permit (principal, action in [Action::"ssm:GetParameter", Action::"ssm:GetParameters"], resource)
when { context.resource like "${PARAMETERS}" && context has principalTagTeam && context.principalTagTeam like "platform-*" };
permit (principal, action in Action::"ec2:Describe*", resource)
when { context has sourceIp && context.sourceIp.isInRange(ip("10.0.0.0/8")) };
permit (principal, action == Action::"secretsmanager:GetSecretValue", resource)
when { context.resource like "${SECRETS}" && context has resourceTagEnv && context.resourceTagEnv == "prod" };
forbid (principal, action == Action::"s3:ListBucket", resource)
when { context.resource == "${BUCKET}" && context has maxKeys && context.maxKeys > 1000 };
forbid (principal, action in [Action::"s3:DeleteObject", Action::"dynamodb:DeleteItem", Action::"dynamodb:DeleteTable"], resource);
`,
}

// --- Boundary + session: the intersection of three policies ---------------------------------

function sessionRequest(
  label: string,
  action: string,
  resource: string,
  allowed: boolean,
  region = 'us-east-1',
): BenchRequest {
  return {
    label,
    principal: { arn: SESSION },
    action,
    resource,
    context: { 'aws:RequestedRegion': region },
    allowed,
    cedar: {
      principal: { type: 'Session', id: SESSION },
      context: { resource, requestedRegion: region },
    },
  }
}

const S3_ALL = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket']
const DDB_ALL = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']
const TABLES = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`
const cedarActions = (list: readonly string[]) => list.map((a) => `Action::"${a}"`).join(', ')

const boundarySession: Scenario = {
  name: 'boundary+session',
  title:
    'identity (2 statements) ∩ permissions boundary (2, with a region condition) ∩ session policy (2)',
  identity: [
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: S3_ALL, Resource: [BUCKET, `${BUCKET}/*`] },
        { Effect: 'Allow', Action: DDB_ALL, Resource: TABLES },
      ],
    },
  ],
  boundary: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `${BUCKET}/*`,
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: '*' },
    ],
  },
  session: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/reports/*` },
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE },
    ],
  },
  requests: [
    sessionRequest('read a report', 's3:GetObject', `${BUCKET}/reports/q1.csv`, true),
    sessionRequest(
      'write a report (session denies)',
      's3:PutObject',
      `${BUCKET}/reports/q1.csv`,
      false,
    ),
    sessionRequest(
      'delete a report (boundary denies)',
      's3:DeleteObject',
      `${BUCKET}/reports/q1.csv`,
      false,
    ),
    sessionRequest(
      'read a report from eu-west-1 (boundary denies)',
      's3:GetObject',
      `${BUCKET}/reports/q1.csv`,
      false,
      'eu-west-1',
    ),
    sessionRequest('query orders', 'dynamodb:Query', TABLE, true),
    sessionRequest('get an order (session denies)', 'dynamodb:GetItem', TABLE, false),
    sessionRequest(
      'query another table (session denies)',
      'dynamodb:Query',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/users`,
      false,
    ),
    sessionRequest(
      'another bucket (identity denies)',
      's3:GetObject',
      'arn:aws:s3:::other-bucket/x',
      false,
    ),
  ],
  cedarPolicies: `
permit (principal, action in [${cedarActions(S3_ALL)}], resource)
when { context.resource == "${BUCKET}" || context.resource like "${BUCKET}/*" };
permit (principal, action in [${cedarActions(DDB_ALL)}], resource)
when { context.resource like "${TABLES}" };
forbid (principal, action, resource)
unless {
  (action in [Action::"s3:GetObject", Action::"s3:PutObject"] && context.resource like "${BUCKET}/*" && context has requestedRegion && context.requestedRegion == "us-east-1") ||
  action in [Action::"dynamodb:GetItem", Action::"dynamodb:Query"]
};
forbid (principal, action, resource)
unless {
  (action == Action::"s3:GetObject" && context.resource like "${BUCKET}/reports/*") ||
  (action == Action::"dynamodb:Query" && context.resource == "${TABLE}")
};
`,
}

/** The corpus, in report order. The first scenario is the headline (the last output line). */
export const SCENARIOS: readonly Scenario[] = [trust, identity, boundarySession]
