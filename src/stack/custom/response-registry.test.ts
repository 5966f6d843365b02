import { describe, expect, it } from 'vitest'
import { createResponseRegistry, RESPONSE_PATH } from './response-registry.js'

describe('custom resource ResponseURLs', () => {
  const meta = { stackId: 's', requestId: 'r', logicalResourceId: 'L' }

  it('hands the first valid answer to the waiting operation, once', async () => {
    const registry = createResponseRegistry()
    const slot = registry.open(meta)
    expect(slot.path).toMatch(new RegExp(`^${RESPONSE_PATH}[A-Za-z0-9_-]{43}$`))
    const token = slot.path.slice(RESPONSE_PATH.length)
    const body = JSON.stringify({ Status: 'SUCCESS', PhysicalResourceId: 'p', Data: { a: '1' } })
    expect(registry.deliver(token, body)).toEqual({ status: 200, message: '' })
    expect(await slot.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'p' })
    expect(registry.deliver(token, body)).toEqual({ status: 403, message: 'Access Denied' })
  })

  it.each([
    ['an unknown token', 'nope', '{"Status":"SUCCESS"}', { status: 403, message: 'Access Denied' }],
    [
      'a body that is not JSON',
      undefined,
      'not json',
      { status: 400, message: 'Invalid response object: not JSON' },
    ],
    [
      'a wrong Status',
      undefined,
      '{"Status":"OK"}',
      { status: 400, message: 'Invalid response object: Status must be SUCCESS or FAILED' },
    ],
    [
      'a body over 4096 bytes',
      undefined,
      JSON.stringify({ Status: 'SUCCESS', Data: { x: 'y'.repeat(5000) } }),
      { status: 400, message: 'Response object is too long.' },
    ],
  ])('refuses %s', (_name, token, body, expected) => {
    const registry = createResponseRegistry()
    const slot = registry.open(meta)
    expect(registry.deliver(token ?? slot.path.slice(RESPONSE_PATH.length), body)).toEqual(expected)
    expect(registry.size()).toBe(1)
    slot.close()
    expect(registry.size()).toBe(0)
  })
})
