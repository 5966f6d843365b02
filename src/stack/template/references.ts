import { CFN_MESSAGES, templateError } from './messages.js'
import { subVariables } from './sub.js'
import { isRecord } from './validate.js'

/** What a template value refers to: names it `Ref`s, resources it reads attributes of, conditions. */
export interface References {
  /** `Ref` targets and plain `${Name}` variables (parameters, resources or pseudo parameters). */
  refs: Set<string>
  /** Resources named by `Fn::GetAtt` or `${Resource.Attribute}`. */
  getAtts: Set<string>
  /** Conditions named by `Fn::If` and `Condition`. */
  conditions: Set<string>
  /** Whether an `Fn::ImportValue` appears. */
  imports: boolean
}

export const emptyReferences = (): References => ({
  refs: new Set(),
  getAtts: new Set(),
  conditions: new Set(),
  imports: false,
})

/** True for `AWS::AccountId` and the other pseudo parameters. */
export const isPseudo = (name: string): boolean => name.startsWith('AWS::')

function walkSub(arg: unknown, out: References, visit: (v: unknown) => void): void {
  let text: unknown = arg
  let locals: Record<string, unknown> = {}
  if (Array.isArray(arg)) {
    text = arg[0]
    if (arg.length !== 2 || !isRecord(arg[1])) throw templateError(CFN_MESSAGES.subShape)
    locals = arg[1]
    for (const v of Object.values(locals)) visit(v)
  }
  if (typeof text !== 'string') throw templateError(CFN_MESSAGES.subShape)
  for (const name of subVariables(text)) {
    if (name in locals || isPseudo(name)) continue
    const dot = name.indexOf('.')
    if (dot === -1) out.refs.add(name)
    else out.getAtts.add(name.slice(0, dot))
  }
}

/**
 * Collects every reference in a template value (into `out`). Fn::If branches count whatever the
 * condition, as CloudFormation builds its dependency graph from the whole template.
 * `conditionFunction` treats `{ "Condition": name }` as a reference (Conditions section only).
 */
export function collectReferences(
  value: unknown,
  out: References = emptyReferences(),
  options: { conditionFunction?: boolean } = {},
): References {
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x)
      return
    }
    if (!isRecord(v)) return
    const keys = Object.keys(v)
    if (keys.length === 1) {
      const key = keys[0] as string
      const arg = v[key]
      switch (key) {
        case 'Ref':
          if (typeof arg !== 'string') throw templateError(CFN_MESSAGES.refShape)
          if (!isPseudo(arg)) out.refs.add(arg)
          return
        case 'Fn::GetAtt': {
          const target = Array.isArray(arg)
            ? arg[0]
            : typeof arg === 'string'
              ? arg.split('.')[0]
              : undefined
          if (typeof target !== 'string' || target === '')
            throw templateError(CFN_MESSAGES.getAttShape)
          out.getAtts.add(target)
          if (Array.isArray(arg)) visit(arg.slice(1))
          return
        }
        case 'Fn::Sub':
          walkSub(arg, out, visit)
          return
        case 'Fn::If':
          if (Array.isArray(arg) && typeof arg[0] === 'string') out.conditions.add(arg[0])
          visit(Array.isArray(arg) ? arg.slice(1) : arg)
          return
        case 'Condition':
          // `{ "Condition": name }` is a function only inside the Conditions section.
          if (options.conditionFunction && typeof arg === 'string') {
            out.conditions.add(arg)
            return
          }
          break
        case 'Fn::ImportValue':
          out.imports = true
          visit(arg)
          return
      }
    }
    for (const x of Object.values(v)) visit(x)
  }
  visit(value)
  return out
}
