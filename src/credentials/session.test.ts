import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { createSessionSealer, type Session } from './session.js'

const key = { id: '0a0b0c0d', key: randomBytes(32) }
const base: Omit<Session, 'accessKeyId' | 'secretAccessKey'> = {
  roleArn: 'arn:aws:iam::123456789012:role/r',
  roleId: 'AROAEXAMPLEEXAMPLE123',
  roleName: 'r',
  sessionName: 's',
  issuedAt: 1_800_000_000,
  expiresAt: 1_800_003_600,
  via: 'AssumeRoleWithWebIdentity',
  tags: { 'kubernetes-namespace': 'test' },
}

const code = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return isLanyardError(err) ? err.code : 'other'
  }
  return 'none'
}

describe('session sealer', () => {
  const sealer = createSessionSealer({ current: key })

  it('mints AWS-shaped credentials and opens its own tokens', () => {
    const { session, sessionToken } = sealer.mint(base)
    expect(session.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(session.secretAccessKey).toHaveLength(40)
    expect(sessionToken).not.toContain(session.secretAccessKey)
    expect(sealer.open(sessionToken, session.accessKeyId)).toEqual(session)
  })

  it('always writes fresh key material, whatever the input carries', () => {
    const stale = { ...base, accessKeyId: 'ASIASTALESTALESTALE1', secretAccessKey: 'stale' }
    const { session, sessionToken } = sealer.mint(stale)
    expect(session.accessKeyId).not.toBe(stale.accessKeyId)
    expect(session.secretAccessKey).not.toBe(stale.secretAccessKey)
    expect(sealer.open(sessionToken, session.accessKeyId)).toEqual(session)
    expect(code(() => sealer.open(sessionToken, stale.accessKeyId))).toBe('credentials.unknown_key')
  })

  it('never repeats key material', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => sealer.mint(base).session.accessKeyId))
    expect(ids.size).toBe(2000)
  })

  it('mints access key ids that sort as text in the order of their issue second', () => {
    // One second apart, across a carry of every digit but the first, and a day apart.
    const seconds = [1_800_000_000, 1_800_000_001, 1_800_000_031, 1_800_000_032, 1_800_001_023]
    seconds.push(1_800_001_024, 1_800_086_400, 2 ** 30 - 1)
    const ids = seconds.map((issuedAt) => sealer.mint({ ...base, issuedAt }).session.accessKeyId)
    for (const id of ids) expect(id).toMatch(/^ASIA[A-Z2-7]{16}$/)
    const [first, ...later] = ids.slice(0, -1)
    for (const id of later) expect(id > (first as string)).toBe(true)
    expect([...ids.slice(0, -1)].sort()).toEqual(ids.slice(0, -1))
    // The highest second before the wrap sorts after every other.
    expect(ids.every((id) => id <= (ids.at(-1) as string))).toBe(true)
    // Sessions of one second share the time prefix and differ in the 10 random characters.
    const same = Array.from({ length: 500 }, () => sealer.mint(base).session.accessKeyId)
    expect(new Set(same.map((id) => id.slice(0, 10))).size).toBe(1)
    expect(new Set(same.map((id) => id.slice(10))).size).toBe(500)
  })

  it('refuses a token presented with another access key id', () => {
    const a = sealer.mint(base)
    const b = sealer.mint(base)
    expect(code(() => sealer.open(a.sessionToken, b.session.accessKeyId))).toBe(
      'credentials.unknown_key',
    )
  })

  it('opens a token once: later uses get the same frozen session, still bound to its key id', () => {
    const a = sealer.mint(base)
    const b = sealer.mint(base)
    const first = sealer.open(a.sessionToken, a.session.accessKeyId)
    expect(sealer.open(a.sessionToken, a.session.accessKeyId)).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first.tags)).toBe(true)
    // The cached session is no shortcut around the access key id.
    expect(code(() => sealer.open(a.sessionToken, b.session.accessKeyId))).toBe(
      'credentials.unknown_key',
    )
    const raw = Buffer.from(a.sessionToken, 'base64')
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 0x01
    expect(code(() => sealer.open(raw.toString('base64'), a.session.accessKeyId))).toBe(
      'credentials.unknown_key',
    )
    // Another session's token under this session's key id, and this one under a key id whose
    // latin1 bytes are the same: refused, the kept session notwithstanding.
    expect(code(() => sealer.open(b.sessionToken, a.session.accessKeyId))).toBe(
      'credentials.unknown_key',
    )
    const alias = `${a.session.accessKeyId.slice(0, -1)}${String.fromCharCode(a.session.accessKeyId.charCodeAt(19) + 0x100)}`
    expect(Buffer.from(alias, 'latin1').equals(Buffer.from(a.session.accessKeyId))).toBe(true)
    expect(code(() => sealer.open(a.sessionToken, alias))).toBe('credentials.unknown_key')
    // The kept token is compared whole: a character that latin1 would read as the same byte.
    const lookalike = `${String.fromCharCode(a.sessionToken.charCodeAt(0) + 0x100)}${a.sessionToken.slice(1)}`
    expect(code(() => sealer.open(lookalike, a.session.accessKeyId))).toBe(
      'credentials.unknown_key',
    )
    expect(sealer.open(a.sessionToken, a.session.accessKeyId)).toBe(first)
  })

  it.each([
    ['a token not opened before', false],
    ['a token already opened (kept)', true],
  ])('refuses every single-byte change of %s', (_, openedFirst) => {
    const { session, sessionToken } = sealer.mint(base)
    if (openedFirst) sealer.open(sessionToken, session.accessKeyId)
    const raw = Buffer.from(sessionToken, 'base64')
    for (let i = 0; i < raw.length; i++) {
      const copy = Buffer.from(raw)
      copy[i] = (copy[i] as number) ^ 0x01
      expect(code(() => sealer.open(copy.toString('base64'), session.accessKeyId))).toBe(
        'credentials.unknown_key',
      )
    }
  })

  it.each(['', 'AAAA', 'not base64 at all!', 'A'.repeat(200)])('refuses garbage %#', (token) => {
    expect(code(() => sealer.open(token, 'ASIAAAAAAAAAAAAAAAAA'))).toBe('credentials.unknown_key')
  })

  it('opens tokens sealed with a previous key after rotation, and not with an unknown key', () => {
    const { session, sessionToken } = sealer.mint(base)
    const rotated = createSessionSealer({
      current: { id: '11111111', key: randomBytes(32) },
      previous: [key],
    })
    expect(rotated.open(sessionToken, session.accessKeyId).roleArn).toBe(base.roleArn)
    const stranger = createSessionSealer({ current: { id: '22222222', key: randomBytes(32) } })
    expect(code(() => stranger.open(sessionToken, session.accessKeyId))).toBe(
      'credentials.unknown_key',
    )
  })

  it('refuses malformed keys', () => {
    expect(code(() => createSessionSealer({ current: { id: 'x', key: randomBytes(32) } }))).toBe(
      'config.invalid',
    )
    expect(
      code(() => createSessionSealer({ current: { id: '00000000', key: randomBytes(16) } })),
    ).toBe('config.invalid')
  })
})
