import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

describe('loadConfig', () => {
  it('defaults to loopback on 4566 with ./.lanyard', () => {
    expect(loadConfig({})).toMatchObject({
      host: '127.0.0.1',
      port: 4566,
      dataDir: './.lanyard',
      region: 'us-east-1',
      tls: 'off',
      strictTrust: false,
      auditRetentionDays: 90,
    })
  })

  it('reads the audit retention and the audit log from flags and environment', () => {
    expect(loadConfig({ env: { LANYARD_AUDIT_RETENTION_DAYS: '0' } }).auditRetentionDays).toBe(0)
    expect(
      loadConfig({
        flags: { auditRetentionDays: '30', auditLog: '/var/log/audit.jsonl' },
        env: { LANYARD_AUDIT_RETENTION_DAYS: '7' },
      }),
    ).toMatchObject({ auditRetentionDays: 30, auditLog: '/var/log/audit.jsonl' })
  })

  it('reads the number of worker processes: a count of 1..64 or auto', () => {
    expect(loadConfig({}).workers).toBe(1)
    expect(loadConfig({ env: { LANYARD_WORKERS: 'auto' } }).workers).toBe('auto')
    expect(loadConfig({ flags: { workers: '4' }, env: { LANYARD_WORKERS: '2' } }).workers).toBe(4)
    for (const bad of ['0', '65', '1.5', 'many'])
      expect(() => loadConfig({ flags: { workers: bad } }), bad).toThrow(/workers/)
  })

  it('takes flags over environment over defaults', () => {
    const c = loadConfig({
      flags: { port: '5000' },
      env: {
        LANYARD_PORT: '6000',
        LANYARD_REGION: 'eu-west-1',
        LANYARD_STRICT_TRUST: 'true',
        LANYARD_DATA_DIR: '/d',
      },
    })
    expect(c).toMatchObject({ port: 5000, region: 'eu-west-1', strictTrust: true, dataDir: '/d' })
  })

  it('reads false booleans from the environment as false', () => {
    expect(loadConfig({ env: { LANYARD_STRICT_TRUST: 'false' } }).strictTrust).toBe(false)
  })

  it('reads quota overrides from flags and environment', () => {
    expect(
      loadConfig({ flags: { limits: ['trustPolicySize=4096', 'rolesPerAccount=5000'] } }).limits,
    ).toEqual({
      trustPolicySize: 4096,
      rolesPerAccount: 5000,
    })
    expect(loadConfig({ env: { LANYARD_LIMITS: 'trustPolicySize=8192' } }).limits).toEqual({
      trustPolicySize: 8192,
    })
    expect(loadConfig({}).limits).toEqual({})
  })

  it.each([
    [{ limits: ['trustPolicySize=0'] }, /not name=positive-number/],
    [{ limits: 'oops' }, /not name=positive-number/],
    [{ port: '70000' }, /port/],
    [{ accountId: '123' }, /accountId: must be 12 digits/],
    [{ region: 'mars' }, /region/],
    [{ tls: 'maybe' }, /tls/],
    [{ tlsCert: '/c' }, /go together/],
    [{ tls: 'auto', tlsCert: '/c', tlsKey: '/k' }, /not both/],
    [{ issuerBaseUrl: 'not a url' }, /issuerBaseUrl/],
    [{ auditRetentionDays: '-1' }, /auditRetentionDays/],
    [{ auditRetentionDays: '1.5' }, /auditRetentionDays/],
    [{ auditRetentionDays: 'ninety' }, /auditRetentionDays/],
  ])('refuses %j', (flags, message) => {
    expect(() => loadConfig({ flags })).toThrow(message)
  })
})
