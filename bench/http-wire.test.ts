import { describe, expect, it } from 'vitest'
import { readAnswer, requestBytes } from './http-wire.js'

const bytes = (s: string) => Buffer.from(s, 'latin1')

describe('requestBytes', () => {
  it('writes the request line, host, the headers as given and the body', () => {
    const wire = requestBytes(
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' },
        body: bytes('a=b'),
      },
      '127.0.0.1:9',
    )
    expect(wire.toString('latin1')).toBe(
      'POST / HTTP/1.1\r\nhost: 127.0.0.1:9\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 3\r\n\r\na=b',
    )
  })

  it('keeps a signed host header (it is part of the signature)', () => {
    const wire = requestBytes(
      { method: 'GET', path: '/x', headers: { host: 'signed:1' }, body: undefined },
      'other:2',
    )
    expect(wire.toString('latin1')).toBe('GET /x HTTP/1.1\r\nhost: signed:1\r\n\r\n')
  })

  it('refuses a header value with a line break', () => {
    expect(() =>
      requestBytes({ method: 'GET', path: '/', headers: { a: 'x\r\nb: y' }, body: undefined }, 'h'),
    ).toThrow('line break')
  })
})

describe('readAnswer', () => {
  const answer = 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nhello'

  it.each([
    ['nothing yet', ''],
    ['part of the head', answer.slice(0, 20)],
    ['the head without the body', answer.slice(0, answer.indexOf('hello'))],
    ['part of the body', answer.slice(0, -1)],
  ])('waits for the rest: %s', (_, text) => {
    expect(readAnswer(bytes(text))).toBeUndefined()
  })

  it('reads a whole answer, its status, body and length', () => {
    expect(readAnswer(bytes(answer))).toEqual({ status: 200, body: 'hello', length: answer.length })
  })

  it('reads the first of two answers and says where it ends', () => {
    const first = answer.replace('200 OK', '403 Forbidden')
    expect(readAnswer(bytes(first + answer))).toEqual({
      status: 403,
      body: 'hello',
      length: first.length,
    })
  })

  it('reads an empty body and a header name in any case', () => {
    const empty = 'HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n'
    expect(readAnswer(bytes(empty))).toEqual({ status: 204, body: '', length: empty.length })
  })

  it.each([
    ['no status line', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', 'not an HTTP/1.1 answer'],
    [
      'a chunked body',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      'chunked',
    ],
    ['no content-length', 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello', 'content-length'],
    [
      'a content-length that is not a number',
      'HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n',
      'content-length',
    ],
  ])('refuses %s', (_, text, message) => {
    expect(() => readAnswer(bytes(text))).toThrow(message)
  })
})
