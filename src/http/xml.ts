/**
 * A small XML writer for awsQuery responses. Values are an ordered tree: objects become
 * elements in key order, arrays become `<member>` lists, `undefined` is omitted.
 */
export type XmlValue = string | number | boolean | undefined | readonly XmlValue[] | XmlObject
export interface XmlObject {
  readonly [name: string]: XmlValue
}

// XML 1.0 §2.2 Char: strip what a document may not contain (XML-01: never echo raw control
// characters or lone surrogates into a response).
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the class lists the forbidden characters
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const SPECIAL = /[&<>"']/g
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}
/**
 * Any character either replacement above could touch (a surrogate, even in a valid pair, only
 * sends the text down the full path). Most values (ids, ARNs, base64 tokens) have none: one
 * test, no copy.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the class lists the forbidden characters
const NEEDS_ESCAPING = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/

/** Escapes text for an element body or attribute. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text
  return text.replace(FORBIDDEN, '').replace(SPECIAL, (c) => ENTITIES[c] as string)
}

/** One element and its content, as a string (concatenated, not pushed and joined). */
function element(name: string, value: XmlValue): string {
  if (value === undefined) return ''
  if (Array.isArray(value)) {
    let inner = ''
    for (const item of value) inner += element('member', item)
    return `<${name}>${inner}</${name}>`
  }
  if (typeof value === 'object') {
    let inner = ''
    for (const key of Object.keys(value)) inner += element(key, (value as XmlObject)[key])
    return `<${name}>${inner}</${name}>`
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

/** `<Action>Response xmlns=…><Action>Result>…</…Result><ResponseMetadata>…` as awsQuery shapes it. */
export function queryResponseXml(
  action: string,
  namespace: string,
  result: XmlObject | undefined,
  requestId: string,
): string {
  const body = result === undefined ? '' : element(`${action}Result`, result)
  return (
    `<${action}Response xmlns="${escapeXml(namespace)}">${body}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  )
}

/** The awsQuery error envelope. */
export function queryErrorXml(
  namespace: string,
  error: { type: 'Sender' | 'Receiver'; code: string; message: string },
  requestId: string,
): string {
  return (
    `<ErrorResponse xmlns="${escapeXml(namespace)}"><Error><Type>${error.type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  )
}
