import { describe, expect, it } from 'vitest'
import { MFA_MESSAGES, mfaFailure } from './mfa.js'

describe('mfaFailure', () => {
  it.each([
    ['neither parameter', undefined, undefined, undefined],
    ['only the serial number', 'GAHT12345678', undefined, MFA_MESSAGES.incomplete],
    ['only the code', undefined, '123456', MFA_MESSAGES.incomplete],
    [
      'both: no device is associated with any caller',
      'GAHT12345678',
      '123456',
      MFA_MESSAGES.unknownDevice,
    ],
  ])('%s', (_, serial, code, message) => {
    expect(mfaFailure(serial, code)?.message).toBe(message)
  })

  it('never puts the one-time code in its reason', () => {
    expect(mfaFailure('arn:aws:iam::111122223333:mfa/me', '987654')?.reason).not.toContain('987654')
  })
})
