import { changedProperties, int, resourceError, str } from './properties.js'
import type { ProviderContext, ResourceProvider } from './provider.js'

/** Runtimes Lanyard runs as local processes (lambda-runtimes). */
export const isRunnableRuntime = (runtime: string): boolean =>
  /^python3\.\d+$/.test(runtime) || /^nodejs\d+\.x$/.test(runtime)

function zipFile(code: unknown): string {
  const c = (code ?? {}) as Record<string, unknown>
  if (typeof c.ZipFile !== 'string')
    throw resourceError(
      'Lanyard runs only inline Code.ZipFile functions (S3 objects and container images are not available)',
    )
  return c.ZipFile
}

function environment(v: unknown): Record<string, string> {
  const vars = ((v ?? {}) as Record<string, unknown>).Variables
  if (vars === undefined) return {}
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars))
    throw resourceError('Value of property Variables must be of type Map of String')
  return Object.fromEntries(Object.entries(vars).map(([k, x]) => [k, String(x)]))
}

async function store(
  ctx: ProviderContext,
  name: string,
  p: Record<string, unknown>,
  action: string,
) {
  const runtime = String(p.Runtime ?? '')
  if (!isRunnableRuntime(runtime))
    throw resourceError(
      `Runtime ${runtime || '(none)'} is not supported by Lanyard: python3.x and nodejs*.x functions run as local processes`,
    )
  const handler = str(p.Handler)
  if (handler === undefined || !handler.includes('.'))
    throw resourceError(
      'Property Handler cannot be empty: it names the module and function, e.g. index.handler',
    )
  const roleArn = String(p.Role)
  const arn = ctx.lambda.functionArn(name)
  await ctx.perform(
    { service: 'iam', action: 'PassRole', resource: roleArn, authorizeOnly: true },
    async () => undefined,
  )
  await ctx.perform(
    { service: 'lambda', action, resource: arn, parameters: { functionName: name } },
    () =>
      ctx.lambda.put({
        functionName: name,
        arn,
        runtime,
        handler,
        roleArn,
        code: zipFile(p.Code),
        timeoutSeconds: int(p.Timeout) ?? 3,
        memorySize: int(p.MemorySize) ?? 128,
        environment: environment(p.Environment),
        ...(str(p.Description) !== undefined ? { description: str(p.Description) as string } : {}),
        lastModified: new Date().toISOString(),
      }),
  )
  return arn
}

const ACCEPTED_AND_IGNORED = [
  'Architectures',
  'TracingConfig',
  'VpcConfig',
  'Layers',
  'ReservedConcurrentExecutions',
  'KmsKeyArn',
  'DeadLetterConfig',
  'EphemeralStorage',
  'LoggingConfig',
  'ImageConfig',
  'FileSystemConfigs',
  'CodeSigningConfigArn',
  'RecursiveLoop',
  'RuntimeManagementConfig',
  'SnapStart',
  'Tags',
]

/**
 * AWS::Lambda::Function (aws-resource-lambda-function) with inline `Code.ZipFile`: stored, and
 * run as a local process when invoked (custom resources). Creating it checks `iam:PassRole` on
 * the role and that the role's trust policy lets `lambda.amazonaws.com` assume it. `Ref` is the
 * function name; attribute `Arn`. Memory, networking, layers and tracing settings are accepted
 * and not modelled.
 */
export const lambdaFunctionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Function',
  properties: {
    Code: { required: true, update: 'mutable', type: 'Object' },
    Role: { required: true, update: 'mutable', type: 'String' },
    Handler: { update: 'mutable', type: 'String' },
    Runtime: { update: 'mutable', type: 'String' },
    FunctionName: { update: 'replace', type: 'String' },
    Timeout: { update: 'mutable', type: 'Integer' },
    MemorySize: { update: 'mutable', type: 'Integer' },
    Environment: { update: 'mutable', type: 'Object' },
    Description: { update: 'mutable', type: 'String' },
    PackageType: { update: 'replace', type: 'String' },
    ...Object.fromEntries(ACCEPTED_AND_IGNORED.map((n) => [n, { update: 'mutable' as const }])),
  },
  attributes: ['Arn'],

  async create(ctx, p) {
    const name = str(p.FunctionName) ?? ctx.physicalName(64)
    const arn = await store(ctx, name, p, 'CreateFunction')
    return { physicalId: name, attributes: { Arn: arn } }
  },

  async update(ctx, name, p, old, attributes) {
    if (changedProperties(p, old).length > 0)
      await store(ctx, name, p, 'UpdateFunctionConfiguration')
    return { physicalId: name, attributes }
  },

  async delete(ctx, name) {
    await ctx.perform(
      {
        service: 'lambda',
        action: 'DeleteFunction',
        resource: ctx.lambda.functionArn(name),
        parameters: { functionName: name },
      },
      () => ctx.lambda.delete(name),
    )
  },
}
