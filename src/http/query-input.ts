import { LanyardError } from '../errors.js'

export interface StringRule {
  required?: boolean
  min?: number
  max?: number
  pattern?: RegExp
  /** The pattern as AWS prints it in the constraint message. */
  patternText?: string
  /** Never echo the value (tokens, policies). */
  sensitive?: boolean
}

export interface IntRule {
  required?: boolean
  min?: number
  max?: number
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

/**
 * Length in code points, which is how the AWS models' `min`/`max` count (a surrogate pair is one
 * character, a lone surrogate one too): the same as `[...value].length` without an array of
 * one-character strings, which for a 1 KB token or a 6 KB policy document was the costliest
 * line of input checking.
 */
export function codePointLength(value: string): number {
  let n = value.length
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/**
 * Reads typed awsQuery input and collects every constraint violation, then reports them as one
 * AWS `ValidationError`: "2 validation errors detected: Value 'x' at 'roleName' failed to
 * satisfy constraint: Member must …; Value null at …".
 */
export class QueryInput {
  readonly params: ReadonlyMap<string, string>
  private readonly problems: string[] = []

  constructor(params: ReadonlyMap<string, string>) {
    this.params = params
  }

  private fail(
    wireName: string,
    value: string | null,
    constraint: string,
    sensitive?: boolean,
  ): void {
    const shown = value === null ? 'null' : sensitive ? '' : `'${value.slice(0, 256)}'`
    const valuePart = shown === '' ? 'Value' : `Value ${shown}`
    this.problems.push(
      `${valuePart} at '${memberPath(wireName)}' failed to satisfy constraint: Member ${constraint}`,
    )
  }

  string(name: string, rule: StringRule & { required: true }): string
  string(name: string, rule?: StringRule): string | undefined
  string(name: string, rule: StringRule = {}): string | undefined {
    const value = this.params.get(name)
    return this.checkString(name, value, rule)
  }

  /** Checks a value derived from a parameter (e.g. trimmed) under that parameter's name. */
  check(name: string, value: string | undefined, rule: StringRule): string | undefined {
    return this.checkString(name, value, rule)
  }

  private checkString(
    name: string,
    value: string | undefined,
    rule: StringRule,
  ): string | undefined {
    if (value === undefined) {
      if (rule.required) this.fail(name, null, 'must not be null')
      return undefined
    }
    // A string has between half its UTF-16 units and all of them as code points: they are only
    // counted when that range reaches past a bound (a 1 KB token is otherwise scanned for nothing).
    const units = value.length
    const length =
      (rule.max !== undefined && units > rule.max) ||
      (rule.min !== undefined && Math.ceil(units / 2) < rule.min)
        ? codePointLength(value)
        : units
    if (rule.min !== undefined && length < rule.min) {
      this.fail(
        name,
        value,
        `must have length greater than or equal to ${rule.min}`,
        rule.sensitive,
      )
    } else if (rule.max !== undefined && length > rule.max) {
      this.fail(name, value, `must have length less than or equal to ${rule.max}`, rule.sensitive)
    } else if (rule.pattern && !rule.pattern.test(value)) {
      this.fail(
        name,
        value,
        `must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`,
        rule.sensitive,
      )
    }
    return value
  }

  int(name: string, rule: IntRule = {}): number | undefined {
    const raw = this.params.get(name)
    if (raw === undefined) {
      if (rule.required) this.fail(name, null, 'must not be null')
      return undefined
    }
    if (!/^-?\d{1,15}$/.test(raw)) {
      this.problems.push(
        `Value '${raw.slice(0, 64)}' at '${memberPath(name)}' failed to satisfy constraint: Member must be a number`,
      )
      return undefined
    }
    const n = Number(raw)
    if (rule.min !== undefined && n < rule.min) {
      this.fail(name, raw, `must have value greater than or equal to ${rule.min}`)
    } else if (rule.max !== undefined && n > rule.max) {
      this.fail(name, raw, `must have value less than or equal to ${rule.max}`)
    }
    return n
  }

  bool(name: string): boolean | undefined {
    const raw = this.params.get(name)
    if (raw === undefined) return undefined
    if (raw === 'true' || raw === 'false') return raw === 'true'
    this.problems.push(
      `Value '${raw.slice(0, 64)}' at '${memberPath(name)}' failed to satisfy constraint: Member must be a boolean`,
    )
    return undefined
  }

  /** `Name.member.1`, `Name.member.2`, …; an empty list is sent as `Name=`. */
  list(name: string, item: StringRule = {}, maxItems?: number): string[] | undefined {
    const out: string[] = []
    for (let i = 1; ; i++) {
      const key = `${name}.member.${i}`
      const value = this.params.get(key)
      if (value === undefined) break
      out.push(this.checkString(key, value, item) as string)
    }
    if (out.length === 0 && !this.params.has(name)) return undefined
    if (maxItems !== undefined && out.length > maxItems) {
      this.fail(name, null, `must have length less than or equal to ${maxItems}`)
    }
    return out
  }

  /** `Name.member.N.Field` structures, e.g. Tags.member.1.Key / .Value. */
  structList<F extends string>(
    name: string,
    fields: Record<F, StringRule>,
    maxItems?: number,
  ): Record<F, string | undefined>[] | undefined {
    const out: Record<F, string | undefined>[] = []
    const names = Object.keys(fields) as F[]
    for (let i = 1; ; i++) {
      const prefix = `${name}.member.${i}.`
      if (!names.some((f) => this.params.has(prefix + f))) break
      const entry = {} as Record<F, string | undefined>
      for (const f of names)
        entry[f] = this.checkString(prefix + f, this.params.get(prefix + f), fields[f])
      out.push(entry)
    }
    if (out.length === 0 && !this.params.has(name)) return undefined
    if (maxItems !== undefined && out.length > maxItems) {
      this.fail(name, null, `must have length less than or equal to ${maxItems}`)
    }
    return out
  }

  /** Throws the collected violations as one ValidationError, if any. */
  done(): void {
    if (this.problems.length === 0) return
    const n = this.problems.length
    throw new LanyardError(
      'request.validation',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`,
    )
  }
}

/** `Tags.member.1.Key` → `tags.1.member.key`, AWS's member path style. */
function memberPath(wireName: string): string {
  const parts = wireName.split('.')
  if (parts.length === 1) return lowerFirst(wireName)
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
