import { LanyardError } from '../../errors.js'
import type { GivenParameter } from '../../stack/template/index.js'
import type { QueryInput } from '../query-input.js'

/** StackName as the model has it (a string; CloudFormation checks names itself). */
export const STACK_NAME_RULE = { required: true as const, min: 1 }
/** TemplateBody: at most 51,200 bytes (CloudFormation quotas, "Template body size in a request"). */
export const TEMPLATE_BODY_RULE = { min: 1, max: 51_200 }

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']

/** `Parameters.member.N.{ParameterKey,ParameterValue,UsePreviousValue}`. */
export function readParameters(input: QueryInput): GivenParameter[] {
  const items =
    input.structList('Parameters', {
      ParameterKey: {},
      ParameterValue: {},
      UsePreviousValue: {},
    }) ?? []
  return items.flatMap((p) =>
    p.ParameterKey === undefined
      ? []
      : [
          {
            key: p.ParameterKey,
            ...(p.ParameterValue !== undefined ? { value: p.ParameterValue } : {}),
            ...(p.UsePreviousValue === 'true' ? { usePreviousValue: true } : {}),
          },
        ],
  )
}

/** `Capabilities.member.N`, checked against the model's enum as the service does. */
export function readCapabilities(input: QueryInput): string[] {
  const caps = input.list('Capabilities') ?? []
  const bad = caps.filter((c) => !CAPABILITIES.includes(c))
  if (bad.length > 0)
    throw new LanyardError(
      'request.validation',
      `1 validation error detected: Value '[${caps.join(', ')}]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM, CAPABILITY_IAM]]`,
    )
  return caps
}

export function readTags(input: QueryInput): { key: string; value: string }[] | undefined {
  const tags = input.structList('Tags', {
    Key: { required: true, min: 1, max: 128 },
    Value: { required: true, min: 1, max: 256 },
  })
  return tags?.map((t) => ({ key: t.Key as string, value: t.Value as string }))
}
