import { isLanyardError, LanyardError } from '../../errors.js'
import {
  type ContextEntry,
  type ContextKeyType,
  IAM_INT_RULES,
  IAM_RULES,
  lengthOnly,
  type ModelRule,
  type Tag,
} from '../../iam/index.js'
import { QueryInput, type StringRule } from '../query-input.js'

/**
 * The checks QueryInput makes for a member: the model's, except the patterns IAM reports with
 * its own message ("The specified value for roleName is invalid. …"); the service checks those
 * once the model's constraints hold, as IAM does.
 */
export const optional = (rule: ModelRule): StringRule => lengthOnly(rule)

/** {@link optional} for a required member. */
export const required = (rule: ModelRule): StringRule & { required: true } => ({
  ...lengthOnly(rule),
  required: true,
})

/** `Tags.member.N.Key/Value` (tagListType: at most 50). */
export function readTags(input: QueryInput, name = 'Tags'): Tag[] | undefined {
  const entries = input.structList(
    name,
    { Key: required(IAM_RULES.tagKey), Value: required(IAM_RULES.tagValue) },
    50,
  )
  return entries?.map((e) => ({ key: e.Key ?? '', value: e.Value ?? '' }))
}

/** `TagKeys.member.N` (tagKeyListType: at most 50). */
export function readTagKeys(input: QueryInput): string[] | undefined {
  return input.list('TagKeys', IAM_RULES.tagKey, 50)
}

/**
 * A required list member: absent (not even `Name=` for an empty list) is AWS's "Value null at
 * '<member>' failed to satisfy constraint: Member must not be null".
 */
export function requireList<T>(input: QueryInput, name: string, value: T[] | undefined): T[] {
  if (value === undefined) input.string(name, { required: true })
  return value ?? []
}

/** `Marker` and `MaxItems` as every IAM listing takes them. */
export function readPage(input: QueryInput): { marker?: string; maxItems?: number } {
  const marker = input.string('Marker', IAM_RULES.marker)
  const maxItems = input.int('MaxItems', IAM_INT_RULES.maxItems)
  return {
    ...(marker !== undefined && { marker }),
    ...(maxItems !== undefined && { maxItems }),
  }
}

/**
 * Collects enum violations alongside QueryInput's own, so that one ValidationError lists them
 * all ("Member must satisfy enum value set: [All, AWS, Local]").
 */
export class EnumReader {
  private readonly problems: string[] = []
  private readonly input: QueryInput
  constructor(input: QueryInput) {
    this.input = input
  }

  read<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.input.string(name)
    if (value === undefined) return undefined
    if ((values as readonly string[]).includes(value)) return value as T
    const member = memberPath(name)
    this.problems.push(
      `Value '${value.slice(0, 256)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    )
    return undefined
  }

  /** `input.done()`, with the enum violations added to the same ValidationError. */
  done(): void {
    let count = 0
    let body = ''
    try {
      this.input.done()
    } catch (err) {
      if (!isLanyardError(err, 'request.validation') || this.problems.length === 0) throw err
      const m = /^(\d+) validation errors? detected: ([\s\S]*)$/.exec(err.message)
      if (!m) throw err
      count = Number(m[1])
      body = m[2] as string
    }
    if (this.problems.length === 0) return
    const n = count + this.problems.length
    const all = [body, ...this.problems].filter((p) => p !== '').join('; ')
    throw new LanyardError(
      'request.validation',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${all}`,
    )
  }
}

/**
 * The API reference's CreateOpenIDConnectProvider sample writes `ClientIDList.list.1`; SDKs send
 * `.member.N`. Reads both by rewriting the former.
 */
export function acceptListAlias(input: QueryInput, names: readonly string[]): QueryInput {
  const alias = new RegExp(`^(${names.join('|')})\\.list\\.(\\d+)$`)
  if (![...input.params.keys()].some((k) => alias.test(k))) return input
  const params = new Map<string, string>()
  for (const [k, v] of input.params) {
    const m = alias.exec(k)
    const key = m ? `${m[1]}.member.${m[2]}` : k
    if (!params.has(key)) params.set(key, v)
  }
  return new QueryInput(params)
}

/** `ContextEntries.member.1.ContextKeyType` → `contextEntries.1.member.contextKeyType`, as AWS prints members. */
function memberPath(wireName: string): string {
  const lowerFirst = (p: string) => p.charAt(0).toLowerCase() + p.slice(1)
  const parts = wireName.split('.')
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string
    if (p === 'member' && i + 1 < parts.length) {
      out.push(`${parts[i + 1]}.member`)
      i++
    } else out.push(lowerFirst(p))
  }
  return out.join('.')
}

/** `ContextKeyTypeEnum` of the IAM model. */
export const CONTEXT_KEY_TYPES: readonly ContextKeyType[] = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
]

/**
 * `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`
 * (ContextEntryListType). An entry without a key name names nothing and is left out.
 */
export function readContextEntries(
  input: QueryInput,
  enums: EnumReader,
): ContextEntry[] | undefined {
  const keys = [...input.params.keys()]
  const out: ContextEntry[] = []
  for (let i = 1; ; i++) {
    const prefix = `ContextEntries.member.${i}.`
    if (!keys.some((k) => k.startsWith(prefix))) break
    const key = input.string(`${prefix}ContextKeyName`, IAM_RULES.contextKeyName)
    const values = input.list(`${prefix}ContextKeyValues`) ?? []
    const type = enums.read(`${prefix}ContextKeyType`, CONTEXT_KEY_TYPES)
    if (key !== undefined) out.push({ key, values, ...(type !== undefined && { type }) })
  }
  if (out.length === 0 && !input.params.has('ContextEntries')) return undefined
  return out
}
