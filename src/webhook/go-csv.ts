/**
 * The first record of a CSV text as Go's `encoding/csv` `Reader.Read` returns it with the default
 * settings (comma `,`, no comment character, strict quotes, no trimming), which the upstream
 * webhook uses on `skip-containers`. `undefined` where Go returns an error (empty input, a bare
 * `"` in an unquoted field, a stray `"` after a quoted field, an unterminated quoted field).
 */
export function readFirstCsvRecord(text: string): string[] | undefined {
  // Go reads line by line: "\r\n" counts as "\n", a "\r" ending the input is dropped, and
  // empty lines are skipped.
  const src = text.replace(/\r\n/g, '\n').replace(/\r$/, '')
  let pos = 0
  while (pos < src.length && src[pos] === '\n') pos++
  if (pos >= src.length) return undefined

  const fields: string[] = []
  for (;;) {
    if (src[pos] !== '"') {
      let end = pos
      while (end < src.length && src[end] !== ',' && src[end] !== '\n') end++
      const field = src.slice(pos, end)
      if (field.includes('"')) return undefined
      fields.push(field)
      if (src[end] === ',') {
        pos = end + 1
        continue
      }
      return fields
    }
    // Quoted field: `""` is a literal quote; newlines inside belong to the field.
    let field = ''
    pos++
    for (;;) {
      const quote = src.indexOf('"', pos)
      if (quote < 0) return undefined
      field += src.slice(pos, quote)
      pos = quote + 1
      const next = src[pos]
      if (next === '"') {
        field += '"'
        pos++
        continue
      }
      if (next === ',') {
        fields.push(field)
        pos++
        break
      }
      if (next === undefined || next === '\n') {
        fields.push(field)
        return fields
      }
      return undefined
    }
  }
}
