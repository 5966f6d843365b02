import type {
  ChangeSetRecord,
  StackEventRecord,
  StackRecord,
  StackResourceRecord,
} from '../../store/ports.js'
import type { XmlObject, XmlValue } from '../xml.js'

/** NoEcho parameter values are shown masked (parameters-section-structure, NoEcho). */
const MASK = '****'

const list = <T>(items: readonly T[], fn: (t: T) => XmlValue): XmlValue[] | undefined =>
  items.length === 0 ? undefined : items.map(fn)

export function parametersXml(
  parameters: readonly { key: string; value: string }[],
  noEcho: readonly string[],
): XmlValue[] | undefined {
  return list(parameters, (p) => ({
    ParameterKey: p.key,
    ParameterValue: noEcho.includes(p.key) ? MASK : p.value,
  }))
}

const tagsXml = (tags: readonly { key: string; value: string }[]): XmlValue[] =>
  tags.map((t) => ({ Key: t.key, Value: t.value }))

/** `Stack` in the model's member order. */
export function stackXml(s: StackRecord): XmlObject {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ChangeSetId: s.changeSetId,
    Description: s.description,
    Parameters: parametersXml(s.parameters, s.noEchoKeys),
    CreationTime: s.creationTime,
    DeletionTime: s.deletionTime,
    LastUpdatedTime: s.lastUpdatedTime,
    RollbackConfiguration: {},
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DisableRollback: s.disableRollback,
    NotificationARNs: s.notificationArns,
    TimeoutInMinutes: s.timeoutInMinutes,
    Capabilities: list(s.capabilities, (c) => c),
    Outputs: list(s.outputs, (o) => ({
      OutputKey: o.key,
      OutputValue: o.value,
      Description: o.description,
      ExportName: o.exportName,
    })),
    RoleARN: s.roleArn,
    Tags: tagsXml(s.tags),
    EnableTerminationProtection: s.enableTerminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    LastOperations: s.lastOperation
      ? [{ OperationType: s.lastOperation.type, OperationId: s.lastOperation.id }]
      : undefined,
  }
}

export function stackSummaryXml(s: StackRecord): XmlObject {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    TemplateDescription: s.description,
    CreationTime: s.creationTime,
    LastUpdatedTime: s.lastUpdatedTime,
    DeletionTime: s.deletionTime,
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    LastOperations: s.lastOperation
      ? [{ OperationType: s.lastOperation.type, OperationId: s.lastOperation.id }]
      : undefined,
  }
}

export function stackEventXml(e: StackEventRecord): XmlObject {
  return {
    StackId: e.stackId,
    EventId: e.eventId,
    StackName: e.stackName,
    OperationId: e.operationId,
    LogicalResourceId: e.logicalResourceId,
    PhysicalResourceId: e.physicalResourceId ?? '',
    ResourceType: e.resourceType,
    Timestamp: e.timestamp,
    ResourceStatus: e.resourceStatus,
    ResourceStatusReason: e.resourceStatusReason,
    ResourceProperties: e.resourceProperties,
    ClientRequestToken: e.clientRequestToken,
  }
}

const drift = { StackResourceDriftStatus: 'NOT_CHECKED' }

export function stackResourceXml(s: StackRecord, r: StackResourceRecord): XmlObject {
  return {
    StackName: s.stackName,
    StackId: s.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId ?? '',
    ResourceType: r.type,
    Timestamp: r.timestamp,
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    Description: r.description,
    DriftInformation: drift,
  }
}

export function stackResourceDetailXml(s: StackRecord, r: StackResourceRecord): XmlObject {
  return {
    StackName: s.stackName,
    StackId: s.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId ?? '',
    ResourceType: r.type,
    LastUpdatedTimestamp: r.timestamp,
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    Description: r.description,
    Metadata: '{}',
    DriftInformation: drift,
  }
}

export function stackResourceSummaryXml(r: StackResourceRecord): XmlObject {
  return {
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId ?? '',
    ResourceType: r.type,
    LastUpdatedTimestamp: r.timestamp,
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    DriftInformation: drift,
  }
}

export function changeSetSummaryXml(c: ChangeSetRecord): XmlObject {
  return {
    StackId: c.stackId,
    StackName: c.stackName,
    ChangeSetId: c.changeSetId,
    ChangeSetName: c.changeSetName,
    ExecutionStatus: c.executionStatus,
    Status: c.status,
    StatusReason: c.statusReason,
    CreationTime: c.creationTime,
    Description: c.description,
    IncludeNestedStacks: false,
  }
}

/** One page of `items` and the token of the next, 100 at a time (tokens are offsets). */
export function page<T>(items: readonly T[], token: string | undefined, size = 100) {
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'))
  const from = Number.isInteger(start) && start >= 0 ? start : 0
  const slice = items.slice(from, from + size)
  const next =
    from + size < items.length ? Buffer.from(String(from + size)).toString('base64url') : undefined
  return { slice, next }
}
