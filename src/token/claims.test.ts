import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { type ClaimRules, checkClaims } from './claims.js'

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0, 500)
const NOW_S = Math.floor(NOW / 1000)
const CLIENT_IDS = ['sts.amazonaws.com', 'other-client']
const RULES: ClaimRules = {
  clockSkewSeconds: 60,
  expLeewaySeconds: 0,
  maxTokenAgeSeconds: undefined,
}

const base = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: 'https://issuer.example',
  sub: 'system:serviceaccount:default:app',
  aud: ['sts.amazonaws.com'],
  iat: NOW_S - 10,
  nbf: NOW_S - 10,
  exp: NOW_S + 3600,
  ...over,
})

function failure(claims: Record<string, unknown>, rules = RULES) {
  try {
    checkClaims(claims, CLIENT_IDS, NOW, rules)
    return undefined
  } catch (err) {
    if (!isLanyardError(err)) throw err
    return { code: err.code, message: err.message }
  }
}

describe('checkClaims', () => {
  it('returns what the claims establish', () => {
    expect(checkClaims(base({ jti: 'j-1' }), CLIENT_IDS, NOW, RULES)).toEqual({
      subject: 'system:serviceaccount:default:app',
      audience: 'sts.amazonaws.com',
      audiences: ['sts.amazonaws.com'],
      expiresAt: (NOW_S + 3600) * 1000,
      issuedAt: (NOW_S - 10) * 1000,
      notBefore: (NOW_S - 10) * 1000,
      jti: 'j-1',
    })
  })

  it.each([
    // JWT-06
    ['exp = now - 1', { exp: NOW_S - 1 }, 'token.expired'],
    ['exp = now (the current time must be before exp)', { exp: NOW_S }, 'token.expired'],
    ['exp far past', { exp: 1 }, 'token.expired'],
    ['exp missing', { exp: undefined }, 'token.malformed'],
    ['exp a string', { exp: String(NOW_S + 3600) }, 'token.malformed'],
    ['exp fractional', { exp: NOW_S + 3600.5 }, 'token.malformed'],
    ['exp 1e308', { exp: 1e308 }, 'token.malformed'],
    ['exp negative', { exp: -1 }, 'token.malformed'],
    ['exp null', { exp: null }, 'token.malformed'],
    ['nbf in the future beyond skew', { nbf: NOW_S + 61 }, 'token.malformed'],
    ['nbf a string', { nbf: 'now' }, 'token.malformed'],
    ['iat in the future beyond skew', { iat: NOW_S + 61 }, 'token.malformed'],
    ['iat far in the future', { iat: NOW_S + 365 * 86400 }, 'token.malformed'],
    ['iat an array', { iat: [NOW_S] }, 'token.malformed'],
    // JWT-07
    ['aud missing', { aud: undefined }, 'token.audience_mismatch'],
    ['aud wrong string', { aud: 'https://kubernetes.default.svc' }, 'token.audience_mismatch'],
    ['aud wrong array', { aud: ['a', 'b'] }, 'token.audience_mismatch'],
    ['aud empty array', { aud: [] }, 'token.audience_mismatch'],
    ['aud differs in case', { aud: 'STS.amazonaws.com' }, 'token.audience_mismatch'],
    ['aud array with a non-string', { aud: ['sts.amazonaws.com', 1] }, 'token.malformed'],
    ['aud an object (JWT-20)', { aud: { 'sts.amazonaws.com': true } }, 'token.malformed'],
    ['aud null', { aud: null }, 'token.malformed'],
    // JWT-20 and the STS model's 6..255 for SubjectFromWebIdentityToken
    ['sub missing', { sub: undefined }, 'token.malformed'],
    ['sub a number', { sub: 123456789 }, 'token.malformed'],
    ['sub an array', { sub: ['system:serviceaccount:a:b'] }, 'token.malformed'],
    ['sub of 5 characters', { sub: 'abcde' }, 'token.malformed'],
    ['sub of 256 characters', { sub: 'a'.repeat(256) }, 'token.malformed'],
  ])('%s → %s', (_name, over, code) => {
    expect(failure(base(over))?.code).toBe(code)
  })

  it.each([
    ['nbf within skew', { nbf: NOW_S + 60 }],
    ['iat within skew', { iat: NOW_S + 60 }],
    ['no nbf and no iat', { nbf: undefined, iat: undefined }],
    ['aud as a string', { aud: 'sts.amazonaws.com' }],
    ['sub of 6 characters', { sub: 'abcdef' }],
    ['sub of 255 characters', { sub: 'a'.repeat(255) }],
    ['exp one second ahead', { exp: NOW_S + 1 }],
  ])('accepts %s', (_name, over) => {
    expect(failure(base(over))).toBeUndefined()
  })

  it('reports the first aud value, in token order, that is a client id (JWT-07)', () => {
    const checked = checkClaims(
      base({ aud: ['https://kubernetes.default.svc', 'other-client', 'sts.amazonaws.com'] }),
      CLIENT_IDS,
      NOW,
      RULES,
    )
    expect(checked.audience).toBe('other-client')
    expect(checked.audiences).toHaveLength(3)
  })

  it('uses AWS’s messages for expiry and audience', () => {
    expect(failure(base({ exp: NOW_S - 198 }))?.message).toBe(
      `Token expired: current date/time ${NOW_S} must be before the expiration date/time${NOW_S - 198}`,
    )
    expect(failure(base({ aud: 'x' }))?.message).toBe('Incorrect token audience')
    expect(failure(base({ aud: undefined }))?.message).toBe('Missing a required claim: aud')
  })

  it('applies the exp leeway when configured', () => {
    expect(failure(base({ exp: NOW_S - 30 }), { ...RULES, expLeewaySeconds: 60 })).toBeUndefined()
    expect(failure(base({ exp: NOW_S - 60 }), { ...RULES, expLeewaySeconds: 60 })?.code).toBe(
      'token.expired',
    )
  })

  it('refuses tokens older than maxTokenAgeSeconds as expired ("Token too old")', () => {
    const rules = { ...RULES, maxTokenAgeSeconds: 3600 }
    expect(failure(base({ iat: NOW_S - 3600 }), rules)).toBeUndefined()
    expect(failure(base({ iat: NOW_S - 3601 }), rules)).toEqual({
      code: 'token.expired',
      message: 'Token too old: 3601',
    })
    expect(failure(base({ iat: undefined }), rules)?.code).toBe('token.malformed')
  })
})
