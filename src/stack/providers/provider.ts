import type { EksService } from '../../eks/eks-service.js'
import type { IamService } from '../../iam/index.js'
import type { LambdaFunctionRecord } from '../../store/ports.js'

/** How changing a property updates a resource (resource-properties "Update requires"). */
export type UpdateBehaviour = 'mutable' | 'replace'

export interface PropertySpec {
  required?: boolean
  update: UpdateBehaviour
  /** The JSON type CloudFormation checks ("Value of property X must be of type List"). */
  type?: 'String' | 'List' | 'Object' | 'Integer' | 'Boolean' | 'Json'
}

/** An action a provider performs for the stack's caller: authorized and audited by the host. */
export interface PerformCall {
  /** `iam`, `eks`, `lambda`, … */
  service: string
  action: string
  resource: string
  parameters?: Record<string, unknown>
  /** Authorize only, with no audit record (permissions that are not API calls: iam:PassRole). */
  authorizeOnly?: boolean
}

/** A custom resource request (crpg-ref-requests) and what the host needs to send it. */
export interface CustomResourceRequest {
  requestType: 'Create' | 'Update' | 'Delete'
  serviceToken: string
  resourceType: string
  logicalResourceId: string
  physicalResourceId?: string
  resourceProperties: Record<string, unknown>
  oldResourceProperties?: Record<string, unknown>
  /** ServiceTimeout in seconds (default 3600). */
  timeoutSeconds: number
}

/** The answer of a custom resource provider (crpg-ref-responses), once it succeeded. */
export interface CustomResourceResult {
  physicalResourceId: string
  data: Record<string, unknown>
}

/** The Lambda functions of the account, as the stack engine uses them. */
export interface LambdaHost {
  functionArn(name: string): string
  get(name: string): Promise<LambdaFunctionRecord | undefined>
  /** Stores a function after checking Lambda can assume its role. */
  put(record: LambdaFunctionRecord): Promise<void>
  delete(name: string): Promise<void>
}

/** What a resource provider can use while it creates, updates or deletes one resource. */
export interface ProviderContext {
  accountId: string
  region: string
  partition: string
  stackId: string
  stackName: string
  logicalId: string
  /** The resource's type as the template gives it (e.g. `Custom::ClusterOIDC`). */
  resourceType: string
  /** A generated name `<stack>-<logical>-<RANDOM>` of at most `max` characters. */
  physicalName(max: number): string
  /** Runs `fn` as the stack's caller after authorizing `service:action` on `resource`. */
  perform<T>(call: PerformCall, fn: () => Promise<T>): Promise<T>
  iam: IamService
  eks: EksService
  lambda: LambdaHost
  /** Sends a custom resource request and waits for the provider's response. */
  invokeCustomResource(request: CustomResourceRequest): Promise<CustomResourceResult>
}

export interface CreateResult {
  physicalId: string
  /** Values of `Fn::GetAtt`. */
  attributes: Record<string, unknown>
}

/** One resource type: its properties and how to create, update and delete it. */
export interface ResourceProvider {
  readonly type: string
  /** Known properties; undefined accepts any property (custom resources). */
  readonly properties?: Readonly<Record<string, PropertySpec>>
  /** Attributes `Fn::GetAtt` may read; undefined accepts any (custom resources). */
  readonly attributes?: readonly string[]
  create(ctx: ProviderContext, properties: Record<string, unknown>): Promise<CreateResult>
  /** In-place update (only mutable properties changed). */
  update(
    ctx: ProviderContext,
    physicalId: string,
    properties: Record<string, unknown>,
    previous: Record<string, unknown>,
    attributes: Record<string, unknown>,
  ): Promise<CreateResult>
  delete(
    ctx: ProviderContext,
    physicalId: string,
    properties: Record<string, unknown>,
  ): Promise<void>
  /**
   * Whether an update of these properties needs a new physical resource; default: a changed
   * `replace` property does.
   */
  requiresReplacement?(
    properties: Record<string, unknown>,
    previous: Record<string, unknown>,
  ): boolean
}
