import { IAM_RULES, type IamService, type SimulateCustomPolicyInput } from '../../iam/index.js'
import type { QueryOperation } from '../operation.js'
import type { QueryInput } from '../query-input.js'
import { evaluationResultXml } from './simulation-shapes.js'
import {
  EnumReader,
  optional,
  readContextEntries,
  readPage,
  required,
  requireList,
} from './wire-input.js'
import { pageXml } from './wire-shapes.js'

const document = optional(IAM_RULES.policyDocument)

/** The members both simulations take, in model order, except `PolicyInputList`. */
function readCommon(
  input: QueryInput,
  enums: EnumReader,
): Omit<SimulateCustomPolicyInput, 'policyInputList'> {
  const permissionsBoundaryPolicyInputList = input.list(
    'PermissionsBoundaryPolicyInputList',
    document,
  )
  const actionNames = requireList(
    input,
    'ActionNames',
    input.list('ActionNames', IAM_RULES.actionName),
  )
  const resourceArns = input.list('ResourceArns', IAM_RULES.resourceName)
  const resourcePolicy = input.string('ResourcePolicy', document)
  const resourceOwner = input.string('ResourceOwner', IAM_RULES.resourceName)
  const callerArn = input.string('CallerArn', IAM_RULES.resourceName)
  const contextEntries = readContextEntries(input, enums)
  const resourceHandlingOption = input.string(
    'ResourceHandlingOption',
    IAM_RULES.resourceHandlingOption,
  )
  return {
    permissionsBoundaryPolicyInputList,
    actionNames,
    resourceArns,
    resourcePolicy,
    resourceOwner,
    callerArn,
    contextEntries,
    resourceHandlingOption,
    ...readPage(input),
  }
}

/** `SimulatePolicyResponse`: `EvaluationResults`, `IsTruncated`, `Marker`. */
const responseXml = (page: Awaited<ReturnType<IamService['simulateCustomPolicy']>>) => ({
  EvaluationResults: page.items.map(evaluationResultXml),
  ...pageXml(page),
})

/** The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy. */
export function simulationOperations(iam: IamService): Record<string, QueryOperation> {
  return {
    SimulatePrincipalPolicy: {
      async handle(input) {
        const enums = new EnumReader(input)
        const policySourceArn = input.string('PolicySourceArn', required(IAM_RULES.arn))
        const policyInputList = input.list('PolicyInputList', document)
        const common = readCommon(input, enums)
        enums.done()
        return responseXml(
          await iam.simulatePrincipalPolicy({ policySourceArn, policyInputList, ...common }),
        )
      },
    },
    SimulateCustomPolicy: {
      async handle(input) {
        const enums = new EnumReader(input)
        const policyInputList = requireList(
          input,
          'PolicyInputList',
          input.list('PolicyInputList', document),
        )
        const common = readCommon(input, enums)
        enums.done()
        return responseXml(await iam.simulateCustomPolicy({ policyInputList, ...common }))
      },
    },
  }
}
