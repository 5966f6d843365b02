import { LanyardError } from '../../errors.js'
import type { Actor } from '../../stack/engine/deps.js'
import type { StackService } from '../../stack/engine/stack-service.js'
import type { UpdateOperations } from '../../stack/engine/update-service.js'
import type { OperationContext, QueryOperation } from '../operation.js'
import type { QueryInput } from '../query-input.js'
import type { XmlObject } from '../xml.js'
import {
  readCapabilities,
  readParameters,
  readTags,
  STACK_NAME_RULE,
  TEMPLATE_BODY_RULE,
} from './input.js'
import {
  changeSetSummaryXml,
  page,
  parametersXml,
  stackEventXml,
  stackResourceDetailXml,
  stackResourceSummaryXml,
  stackResourceXml,
  stackSummaryXml,
  stackXml,
} from './shapes.js'

export const actorOf = (ctx: OperationContext): Actor => ({
  caller: ctx.caller,
  sourceIp: ctx.sourceIp,
  userAgent: ctx.userAgent,
  secure: ctx.secure,
})

const template = (input: QueryInput) => ({
  templateBody: input.string('TemplateBody', TEMPLATE_BODY_RULE),
  templateUrl: input.string('TemplateURL', { min: 1, max: 5120 }),
})

const nextToken = (input: QueryInput) => input.string('NextToken', { min: 1, max: 1024 })

function templateDescriptionXml(
  d: ReturnType<StackService['validateTemplate']>,
  summary: boolean,
): XmlObject {
  const parameters = d.parameters.map((p) =>
    summary
      ? {
          ParameterKey: p.key,
          DefaultValue: p.default,
          ParameterType: p.type,
          NoEcho: p.noEcho,
          Description: p.description,
          ParameterConstraints: p.allowedValues ? { AllowedValues: p.allowedValues } : {},
        }
      : {
          ParameterKey: p.key,
          DefaultValue: p.default,
          NoEcho: p.noEcho,
          Description: p.description,
        },
  )
  return {
    Parameters: parameters,
    Description: d.description,
    Capabilities: d.capabilities.length > 0 ? d.capabilities : undefined,
    CapabilitiesReason: d.capabilitiesReason,
    ...(summary
      ? {
          ResourceTypes: d.resourceTypes,
          Version: d.version,
          Metadata: d.metadata,
          ResourceIdentifierSummaries: d.resources.map((r) => ({
            ResourceType: r.type,
            LogicalResourceIds: r.logicalIds,
          })),
        }
      : { DeclaredTransforms: [] }),
  }
}

const CHANGE_SET_NAME_RULE = { required: true as const, min: 1, max: 1600 }

/** The stack actions of the CloudFormation API (botocore cloudformation 2010-05-15). */
export function stackOperations(
  stacks: StackService,
  updates: UpdateOperations,
): Record<string, QueryOperation> {
  return {
    UpdateStack: {
      async handle(input, ctx) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const source = template(input)
        const usePreviousTemplate = input.bool('UsePreviousTemplate')
        const parameters = readParameters(input)
        const capabilities = readCapabilities(input)
        const tags = readTags(input)
        const disableRollback = input.bool('DisableRollback')
        const roleArn = input.string('RoleARN', { min: 20, max: 2048 })
        input.string('ClientRequestToken', { min: 1, max: 128 })
        input.done()
        const { stackId } = await updates.updateStack(
          {
            stackName,
            ...source,
            usePreviousTemplate,
            parameters,
            capabilities,
            tags,
            disableRollback,
            roleArn,
          },
          actorOf(ctx),
        )
        return { StackId: stackId }
      },
    },
    CreateChangeSet: {
      async handle(input, ctx) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const changeSetName = input.string('ChangeSetName', { required: true, min: 1, max: 128 })
        const source = template(input)
        const usePreviousTemplate = input.bool('UsePreviousTemplate')
        const parameters = readParameters(input)
        const capabilities = readCapabilities(input)
        const tags = readTags(input)
        const description = input.string('Description', { min: 1, max: 1024 })
        const roleArn = input.string('RoleARN', { min: 20, max: 2048 })
        const changeSetType = input.string('ChangeSetType', {
          pattern: /^(CREATE|UPDATE|IMPORT)$/,
          patternText: 'CREATE|UPDATE|IMPORT',
        })
        input.done()
        if (changeSetType === 'IMPORT')
          throw new LanyardError(
            'request.validation',
            'Lanyard does not import existing resources: ChangeSetType IMPORT is not supported',
          )
        const { id, stackId } = await updates.createChangeSet(
          {
            stackName,
            changeSetName,
            ...source,
            usePreviousTemplate,
            parameters,
            capabilities,
            tags,
            description,
            roleArn,
            changeSetType: changeSetType as 'CREATE' | 'UPDATE' | undefined,
          },
          actorOf(ctx),
        )
        return { Id: id, StackId: stackId }
      },
    },
    DescribeChangeSet: {
      async handle(input) {
        const name = input.string('ChangeSetName', CHANGE_SET_NAME_RULE)
        const stackName = input.string('StackName', { min: 1 })
        nextToken(input)
        input.bool('IncludePropertyValues')
        input.done()
        const { record, body, stack } = await updates.describeChangeSet(name, stackName)
        return {
          ChangeSetName: record.changeSetName,
          ChangeSetId: record.changeSetId,
          StackId: record.stackId,
          StackName: record.stackName,
          Description: record.description,
          Parameters: parametersXml(body.resolvedParameters, stack?.noEchoKeys ?? []),
          CreationTime: record.creationTime,
          ExecutionStatus: record.executionStatus,
          Status: record.status,
          StatusReason: record.statusReason,
          NotificationARNs: stack?.notificationArns ?? [],
          RollbackConfiguration: {},
          Capabilities: body.capabilities.length > 0 ? body.capabilities : undefined,
          Tags: body.tags?.map((t) => ({ Key: t.key, Value: t.value })),
          Changes: body.changes.map((c) => ({
            Type: 'Resource',
            ResourceChange: {
              PolicyAction:
                c.action === 'Remove'
                  ? 'Delete'
                  : c.replacement === 'True'
                    ? 'ReplaceAndDelete'
                    : undefined,
              Action: c.action,
              LogicalResourceId: c.logicalId,
              PhysicalResourceId: c.physicalId,
              ResourceType: c.type,
              Replacement: c.replacement,
              Scope: c.action === 'Modify' ? ['Properties'] : [],
              Details: c.details.map((d) => ({
                Target: {
                  Attribute: 'Properties',
                  Name: d.name,
                  RequiresRecreation: d.requiresRecreation,
                },
                Evaluation: d.evaluation,
                ChangeSource: d.changeSource,
              })),
            },
          })),
          IncludeNestedStacks: false,
        }
      },
    },
    ExecuteChangeSet: {
      async handle(input, ctx) {
        const name = input.string('ChangeSetName', CHANGE_SET_NAME_RULE)
        const stackName = input.string('StackName', { min: 1 })
        input.string('ClientRequestToken', { min: 1, max: 128 })
        input.bool('DisableRollback')
        input.done()
        await updates.executeChangeSet(name, stackName, actorOf(ctx))
        return {}
      },
    },
    DeleteChangeSet: {
      async handle(input) {
        const name = input.string('ChangeSetName', CHANGE_SET_NAME_RULE)
        const stackName = input.string('StackName', { min: 1 })
        input.done()
        await updates.deleteChangeSet(name, stackName)
        return {}
      },
    },
    ListChangeSets: {
      async handle(input) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const token = nextToken(input)
        input.done()
        const { slice, next } = page(await updates.listChangeSets(stackName), token)
        return { Summaries: slice.map(changeSetSummaryXml), NextToken: next }
      },
    },
    CreateStack: {
      async handle(input, ctx) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const source = template(input)
        const parameters = readParameters(input)
        const capabilities = readCapabilities(input)
        const disableRollback = input.bool('DisableRollback')
        const onFailure = input.string('OnFailure', {
          pattern: /^(DO_NOTHING|ROLLBACK|DELETE)$/,
          patternText: 'DO_NOTHING|ROLLBACK|DELETE',
        })
        const timeoutInMinutes = input.int('TimeoutInMinutes', { min: 1 })
        const notificationArns = input.list('NotificationARNs')
        const tags = readTags(input)
        const roleArn = input.string('RoleARN', { min: 20, max: 2048 })
        const enableTerminationProtection = input.bool('EnableTerminationProtection')
        input.done()
        if (disableRollback !== undefined && onFailure !== undefined)
          throw new LanyardError(
            'request.validation',
            'You can specify either DisableRollback or OnFailure, but not both.',
          )
        const { stackId } = await stacks.createStack(
          {
            stackName,
            ...source,
            parameters,
            capabilities,
            disableRollback,
            onFailure: onFailure as 'DO_NOTHING' | 'ROLLBACK' | 'DELETE' | undefined,
            timeoutInMinutes,
            notificationArns,
            tags,
            roleArn,
            enableTerminationProtection,
          },
          actorOf(ctx),
        )
        return { StackId: stackId }
      },
    },
    DeleteStack: {
      async handle(input, ctx) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const retainResources = input.list('RetainResources')
        const roleArn = input.string('RoleARN', { min: 20, max: 2048 })
        input.string('ClientRequestToken', { min: 1, max: 128 })
        input.done()
        await stacks.deleteStack({ stackName, retainResources, roleArn }, actorOf(ctx))
        return undefined
      },
    },
    DescribeStacks: {
      async handle(input) {
        const stackName = input.string('StackName')
        const token = nextToken(input)
        input.done()
        const { slice, next } = page(await stacks.describeStacks(stackName), token)
        return { Stacks: slice.map(stackXml), NextToken: next }
      },
    },
    ListStacks: {
      async handle(input) {
        const token = nextToken(input)
        const filter = input.list('StackStatusFilter')
        input.done()
        const { slice, next } = page(await stacks.listStacks(filter), token)
        return { StackSummaries: slice.map(stackSummaryXml), NextToken: next }
      },
    },
    DescribeStackEvents: {
      async handle(input) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const token = nextToken(input)
        input.done()
        const { slice, next } = page(await stacks.describeStackEvents(stackName), token)
        return { StackEvents: slice.map(stackEventXml), NextToken: next }
      },
    },
    DescribeStackResource: {
      async handle(input) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const logicalId = input.string('LogicalResourceId', { required: true })
        input.done()
        const { stack, resource } = await stacks.describeStackResource(stackName, logicalId)
        return { StackResourceDetail: stackResourceDetailXml(stack, resource) }
      },
    },
    DescribeStackResources: {
      async handle(input) {
        const stackName = input.string('StackName')
        const logicalResourceId = input.string('LogicalResourceId')
        const physicalResourceId = input.string('PhysicalResourceId')
        input.done()
        const { stack, resources } = await stacks.describeStackResources({
          stackName,
          logicalResourceId,
          physicalResourceId,
        })
        return { StackResources: resources.map((r) => stackResourceXml(stack, r)) }
      },
    },
    ListStackResources: {
      async handle(input) {
        const stackName = input.string('StackName', STACK_NAME_RULE)
        const token = nextToken(input)
        input.done()
        const { resources } = await stacks.listStackResources(stackName)
        const { slice, next } = page(resources, token)
        return { StackResourceSummaries: slice.map(stackResourceSummaryXml), NextToken: next }
      },
    },
    GetTemplate: {
      async handle(input) {
        const stackName = input.string('StackName')
        const changeSetName = input.string('ChangeSetName', { min: 1, max: 1600 })
        input.string('TemplateStage', {
          pattern: /^(Original|Processed)$/,
          patternText: 'Original|Processed',
        })
        input.done()
        const { body } = await stacks.getTemplate(stackName, changeSetName)
        return { TemplateBody: body, StagesAvailable: ['Original', 'Processed'] }
      },
    },
    GetTemplateSummary: {
      async handle(input) {
        const source = template(input)
        const stackName = input.string('StackName', { min: 1 })
        input.done()
        return templateDescriptionXml(
          await stacks.getTemplateSummary({ ...source, stackName }),
          true,
        )
      },
    },
    ValidateTemplate: {
      async handle(input) {
        const source = template(input)
        input.done()
        return templateDescriptionXml(stacks.validateTemplate(source), false)
      },
    },
    ListExports: {
      async handle(input) {
        const token = nextToken(input)
        input.done()
        const { slice, next } = page(await stacks.listExports(), token)
        return {
          Exports: slice.map((e) => ({
            ExportingStackId: e.stackId,
            Name: e.name,
            Value: e.value,
          })),
          NextToken: next,
        }
      },
    },
    ListImports: {
      async handle(input) {
        const exportName = input.string('ExportName', { required: true })
        const token = nextToken(input)
        input.done()
        const { slice, next } = page(await stacks.listImports(exportName), token)
        return { Imports: slice, NextToken: next }
      },
    },
  }
}
