import { describe, expect, it } from 'vitest'
import type { Caller } from '../call-context.js'
import type { Session } from '../credentials/session.js'
import { callerRefusal, ROOT_CANNOT_ASSUME, transitiveTags } from './assume-role-rules.js'
import { MFA_MESSAGES } from './mfa.js'

const ROOT: Caller = {
  kind: 'root',
  arn: 'arn:aws:iam::111122223333:root',
  accountId: '111122223333',
  userId: '111122223333',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE00',
}

const session = (extra: Partial<Session> = {}): Caller => ({
  kind: 'assumed-role',
  arn: 'arn:aws:sts::111122223333:assumed-role/r/s',
  accountId: '111122223333',
  userId: 'AROAEXAMPLEEXAMPLE123:s',
  accessKeyId: 'ASIAEXAMPLEEXAMPLE00',
  session: {
    accessKeyId: 'ASIAEXAMPLEEXAMPLE00',
    secretAccessKey: 'x'.repeat(40),
    roleArn: 'arn:aws:iam::111122223333:role/r',
    roleId: 'AROAEXAMPLEEXAMPLE123',
    roleName: 'r',
    sessionName: 's',
    issuedAt: 1_800_000_000,
    expiresAt: 1_800_003_600,
    via: 'AssumeRole',
    ...extra,
  },
})

const DENIED = 'User: … is not authorized to perform: sts:AssumeRole on resource: …'

describe('callerRefusal', () => {
  it.each([
    ['a session with nothing special', session(), {}, undefined],
    [
      'root, whatever it passes',
      ROOT,
      { sourceIdentity: 'alice' },
      ['trust.denied', ROOT_CANNOT_ASSUME],
    ],
    [
      'root before MFA',
      ROOT,
      { serialNumber: 'GAHT12345678' },
      ['trust.denied', ROOT_CANNOT_ASSUME],
    ],
    [
      'MFA serial number alone',
      session(),
      { serialNumber: 'GAHT12345678' },
      ['mfa.failed', MFA_MESSAGES.incomplete],
    ],
    [
      'MFA serial number and code',
      session(),
      { serialNumber: 'GAHT12345678', tokenCode: '123456' },
      ['mfa.failed', MFA_MESSAGES.unknownDevice],
    ],
    ['a first source identity', session(), { sourceIdentity: 'alice' }, undefined],
    [
      'the same source identity again',
      session({ sourceIdentity: 'alice' }),
      { sourceIdentity: 'alice' },
      undefined,
    ],
    [
      'no source identity from a session that has one',
      session({ sourceIdentity: 'alice' }),
      {},
      undefined,
    ],
    [
      'another source identity',
      session({ sourceIdentity: 'alice' }),
      { sourceIdentity: 'bob' },
      ['trust.denied', DENIED],
    ],
    [
      'a source identity in another case',
      session({ sourceIdentity: 'alice' }),
      { sourceIdentity: 'Alice' },
      ['trust.denied', DENIED],
    ],
  ] as const)('%s', (_, caller, input, expected) => {
    const r = callerRefusal(caller, input, DENIED)
    expect(r === undefined ? undefined : [r.code, r.message]).toEqual(expected)
  })

  it('says why a source identity cannot change', () => {
    expect(
      callerRefusal(session({ sourceIdentity: 'alice' }), { sourceIdentity: 'bob' }, DENIED)
        ?.reason,
    ).toBe("the calling session's source identity `alice` cannot be changed to `bob`")
  })
})

describe('transitiveTags', () => {
  it.each([
    ['root', ROOT, {}],
    ['a session without tags', session(), {}],
    ['tags none of them transitive', session({ tags: { team: 'blue' } }), {}],
    [
      'only the transitive ones',
      session({ tags: { team: 'blue', env: 'dev' }, transitiveTagKeys: ['team'] }),
      { team: 'blue' },
    ],
    [
      'a transitive key whose tag is gone',
      session({ tags: { env: 'dev' }, transitiveTagKeys: ['team'] }),
      {},
    ],
  ] as const)('%s', (_, caller, expected) => {
    expect(transitiveTags(caller)).toEqual(expected)
  })
})
