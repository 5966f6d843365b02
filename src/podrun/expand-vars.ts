/**
 * Kubernetes' `$(VAR_NAME)` expansion of env values, `command` and `args`
 * (`third_party/forked/golang/expansion`): `$(NAME)` becomes the variable's value when it is
 * defined and stays as written when not; `$$` is an escaped `$`; any other `$` is kept.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = ''
  let i = 0
  while (i < input.length) {
    const c = input[i] as string
    if (c !== '$' || i + 1 >= input.length) {
      out += c
      i++
      continue
    }
    const next = input[i + 1]
    if (next === '$') {
      out += '$'
      i += 2
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2)
      if (close === -1) {
        // An unclosed reference is kept as written.
        out += '$('
        i += 2
      } else {
        const name = input.slice(i + 2, close)
        out += lookup(name) ?? `$(${name})`
        i = close + 1
      }
    } else {
      out += `$${next}`
      i += 2
    }
  }
  return out
}
