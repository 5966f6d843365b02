import type { OutgoingHttpHeaders } from 'node:http'

/**
 * The load generator's HTTP/1.1 on raw sockets: a request as the bytes sent, and an answer read
 * off the bytes received. `node:http`'s client costs the load generator 55-70 µs of CPU per
 * request on this machine, enough that it, not the server, set the pace of the fastest scenario
 * (`baseline`); this costs it 25-35 µs. Only what the servers under test send is understood:
 * a status line, headers and a `content-length` body. Anything else is an error, so a server
 * that answered differently fails the run instead of being misread.
 */

export interface WireRequest {
  method: string
  path: string
  headers: OutgoingHttpHeaders
  body: Buffer | undefined
}

/** The request's bytes: its headers as given (plus `host` unless given), then the body. */
export function requestBytes(r: WireRequest, host: string): Buffer {
  const headers: OutgoingHttpHeaders = { host, ...r.headers }
  let head = `${r.method} ${r.path} HTTP/1.1\r\n`
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(', ') : String(value)
    if (/[\r\n]/.test(name + text)) throw new Error(`header ${name} holds a line break`)
    head += `${name}: ${text}\r\n`
  }
  const bytes = Buffer.from(`${head}\r\n`, 'latin1')
  return r.body === undefined ? bytes : Buffer.concat([bytes, r.body])
}

export interface Answer {
  status: number
  /** The body as latin1 text (every byte one character), for `includes` checks. */
  body: string
  /** How many bytes of the buffer the answer took. */
  length: number
}

const HEAD_END = Buffer.from('\r\n\r\n')
const STATUS_LINE = /^HTTP\/1\.1 (\d{3})[ \r]/
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i
const CHUNKED = /\r\ntransfer-encoding:/i

/**
 * The first answer in `bytes`, or `undefined` while it is incomplete. Throws on what it does not
 * understand: no HTTP/1.1 status line, a chunked body, no `content-length`.
 */
export function readAnswer(bytes: Buffer): Answer | undefined {
  const headEnd = bytes.indexOf(HEAD_END)
  if (headEnd < 0) return undefined
  const head = bytes.toString('latin1', 0, headEnd)
  const status = STATUS_LINE.exec(head)
  if (status === null) throw new Error(`not an HTTP/1.1 answer: ${head.slice(0, 80)}`)
  if (CHUNKED.test(head)) throw new Error('a chunked answer (expected content-length)')
  const declared = CONTENT_LENGTH.exec(head)
  if (declared === null) throw new Error('an answer without content-length')
  const length = headEnd + HEAD_END.length + Number(declared[1])
  if (bytes.length < length) return undefined
  return {
    status: Number(status[1]),
    body: bytes.toString('latin1', headEnd + HEAD_END.length, length),
    length,
  }
}
