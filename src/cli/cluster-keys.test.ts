import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/e2e/harness.js'
import { isLanyardError } from '../errors.js'
import {
  exportClusterSigningKey,
  importClusterSigningKey,
  kubernetesKeyId,
  privateJwkFromPem,
  signingKeyPems,
} from './cluster-keys.js'
import { createToken } from './token-command.js'

const ISSUER_BASE = 'https://oidc.lanyard.test'
const SUB = 'system:serviceaccount:test:my-service-account'

// kube-apiserver's keyIDFromPublicKey, computed from the PEM text alone (no KeyObject), so the
// check does not share code with the implementation under test.
function kidFromPublicPem(pem: string): string {
  const b64 = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, '')
  return createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64url')
}

describe('lanyard cluster export-signing-key / import-signing-key', () => {
  let t: TestServer
  let issuer: string
  let roleArn: string
  const lines: string[] = []
  const print = (l: string) => void lines.push(l)

  const jwks = async (): Promise<JSONWebKeySet> => {
    // A fresh connection each time: the server under test is restarted in between.
    const res = await fetch(`${t.server.url}${new URL(issuer).pathname}/keys`, {
      headers: { connection: 'close' },
    })
    expect(res.status).toBe(200)
    return (await res.json()) as JSONWebKeySet
  }

  // What kube-apiserver does with --service-account-signing-key-file: an RS256 JWT with the
  // projected-token claims, signed by that key with the given `kid`.
  const apiserverToken = (key: KeyObject, kid: string) =>
    new SignJWT({ sub: SUB, 'kubernetes.io': { namespace: 'test' } })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setAudience('sts.amazonaws.com')
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('1h')
      .sign(key)

  const exchange = (token: string) =>
    new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    }).send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'session',
        WebIdentityToken: token,
      }),
    )

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: ISSUER_BASE })
    const { cluster } = await new EKSClient(t.sdk).send(
      new CreateClusterCommand({ name: 'kind' } as never),
    )
    issuer = cluster?.identity?.oidc?.issuer as string
    const iam = new IAMClient(t.sdk)
    const provider = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }),
    )
    const host = issuer.slice('https://'.length)
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: 'kind-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: provider.OpenIDConnectProviderArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${host}:sub`]: SUB } },
            },
          ],
        }),
      }),
    )
    roleArn = role.Role?.Arn as string
  })
  afterAll(async () => {
    await t?.close()
  })

  describe('export', () => {
    it('writes a PKCS #8 private key (0600) and an SPKI public key whose kids match the JWKS and the apiserver', async () => {
      const out = join(t.dataDir, 'keys', 'sa.key')
      const r = await exportClusterSigningKey({
        cluster: 'kind',
        out,
        dataDir: t.dataDir,
        print,
        write: () => {
          throw new Error('must not write to stdout with --out')
        },
      })
      expect(r.privateKeyFile).toBe(out)
      expect(r.publicKeyFile).toBe(join(t.dataDir, 'keys', 'sa.pub'))
      expect(statSync(out).mode & 0o777).toBe(0o600)
      expect(statSync(join(t.dataDir, 'keys')).mode & 0o777).toBe(0o700)
      const privatePem = readFileSync(out, 'utf8')
      const publicPem = readFileSync(r.publicKeyFile as string, 'utf8')
      expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
      expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)

      const set = await jwks()
      const published = set.keys.find((k) => k.kid === r.kid)
      expect(published).toBeDefined()
      const exportedJwk = createPublicKey(publicPem).export({ format: 'jwk' })
      expect({ n: published?.n, e: published?.e }).toEqual({ n: exportedJwk.n, e: exportedJwk.e })
      expect(await calculateJwkThumbprint(exportedJwk as JWK)).toBe(r.kid)
      expect(r.kubernetesKid).toBe(kidFromPublicPem(publicPem))
      expect(r.kubernetesKid).not.toBe(r.kid)
      expect(lines).toContain(`  --service-account-signing-key-file=${out}`)
    })

    it('without --out hands the private PEM to stdout and writes no file', async () => {
      const written: string[] = []
      const r = await exportClusterSigningKey({
        cluster: 'kind',
        dataDir: t.dataDir,
        print,
        write: (pem) => void written.push(pem),
      })
      expect(written).toHaveLength(1)
      expect(written[0]).toMatch(
        /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/,
      )
      expect(r.privateKeyFile).toBeUndefined()
    })

    it('a token signed with the exported key under the JWKS kid is exchanged by STS', async () => {
      const written: string[] = []
      const r = await exportClusterSigningKey({
        cluster: 'kind',
        dataDir: t.dataDir,
        print,
        write: (pem) => void written.push(pem),
      })
      const { createPrivateKey } = await import('node:crypto')
      const key = createPrivateKey(written[0] as string)
      const out = await exchange(await apiserverToken(key, r.kid))
      expect(out.SubjectFromWebIdentityToken).toBe(SUB)
    })

    // kube-apiserver always signs with kid = base64url(SHA-256(DER SPKI)); the JWKS publishes
    // each key under that kid too, so its tokens verify.
    it('a token signed with the exported key exactly as kube-apiserver does (its own kid) is exchanged by STS', async () => {
      const written: string[] = []
      const r = await exportClusterSigningKey({
        cluster: 'kind',
        dataDir: t.dataDir,
        print,
        write: (pem) => void written.push(pem),
      })
      const { createPrivateKey } = await import('node:crypto')
      const key = createPrivateKey(written[0] as string)
      const out = await exchange(await apiserverToken(key, r.kubernetesKid))
      expect(out.SubjectFromWebIdentityToken).toBe(SUB)
    })

    it.each([
      ['an unknown cluster', 'nope', 'entity.not_found'],
      ['a cluster name that is no cluster', '../kind', 'entity.not_found'],
    ])('refuses %s', async (_name, cluster, code) => {
      const err = await exportClusterSigningKey({
        cluster,
        dataDir: t.dataDir,
        print,
        write: () => undefined,
      }).catch((e: unknown) => e)
      expect(isLanyardError(err) && err.code).toBe(code)
    })
  })

  describe('import', () => {
    // What kubeadm writes to /etc/kubernetes/pki/sa.key: a PKCS #1 RSA private key.
    const apiserverKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const keyFile = () => {
      const file = join(t.dataDir, 'apiserver-sa.key')
      writeFileSync(file, apiserverKey.export({ type: 'pkcs1', format: 'pem' }))
      return file
    }

    it('publishes the key in the JWKS (not active) and tokens signed with it verify with jose and exchange with STS', async () => {
      const r = await importClusterSigningKey({
        cluster: 'kind',
        file: keyFile(),
        dataDir: t.dataDir,
        print,
      })
      expect(r).toMatchObject({ added: true, active: false })
      const expectedKid = await calculateJwkThumbprint(
        createPublicKey(apiserverKey).export({ format: 'jwk' }) as JWK,
      )
      expect(r.kid).toBe(expectedKid)
      expect(r.kubernetesKid).toBe(kubernetesKeyId(apiserverKey))

      // A running server re-reads a cluster's keys at most every 5 s; restart instead of waiting.
      await t.restart()
      const set = await jwks()
      expect(set.keys.map((k) => k.kid)).toContain(r.kid)
      for (const k of set.keys)
        expect(Object.keys(k).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use'])

      const token = await apiserverToken(apiserverKey, r.kid)
      const verified = await jwtVerify(token, createLocalJWKSet(set), {
        issuer,
        audience: 'sts.amazonaws.com',
      })
      expect(verified.payload.sub).toBe(SUB)
      expect((await exchange(token)).SubjectFromWebIdentityToken).toBe(SUB)

      // Not activated: Lanyard's own tokens are still signed with the cluster's own key.
      const own = await createToken(t.dataDir, {
        clusterName: 'kind',
        namespace: 'test',
        serviceAccount: 'my-service-account',
      })
      expect(decodeProtectedHeader(own).kid).not.toBe(r.kid)
    })

    it('is idempotent', async () => {
      const r = await importClusterSigningKey({
        cluster: 'kind',
        file: keyFile(),
        dataDir: t.dataDir,
        print,
      })
      expect(r).toMatchObject({ added: false, active: false })
      const set = await jwks()
      expect(set.keys.filter((k) => k.kid === r.kid)).toHaveLength(1)
    })

    it('--activate makes Lanyard sign its own tokens with the imported key', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
      const file = join(t.dataDir, 'other.key')
      writeFileSync(file, other.export({ type: 'pkcs8', format: 'pem' }))
      const r = await importClusterSigningKey({
        cluster: 'kind',
        file,
        activate: true,
        dataDir: t.dataDir,
        print,
      })
      expect(r).toMatchObject({ added: true, active: true })
      const own = await createToken(t.dataDir, {
        clusterName: 'kind',
        namespace: 'test',
        serviceAccount: 'my-service-account',
      })
      expect(decodeProtectedHeader(own).kid).toBe(r.kid)
      await t.restart()
      expect((await exchange(own)).SubjectFromWebIdentityToken).toBe(SUB)
      // ...and export now hands out that key.
      const written: string[] = []
      const e = await exportClusterSigningKey({
        cluster: 'kind',
        dataDir: t.dataDir,
        print,
        write: (pem) => void written.push(pem),
      })
      expect(e.kid).toBe(r.kid)
    })

    const bad: [string, () => string, string][] = [
      [
        'a public key',
        () => createPublicKey(apiserverKey).export({ type: 'spki', format: 'pem' }) as string,
        'request.invalid',
      ],
      [
        'an EC key',
        () =>
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
            type: 'pkcs8',
            format: 'pem',
          }) as string,
        'request.invalid',
      ],
      [
        'a 1024-bit RSA key',
        () =>
          generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
            type: 'pkcs8',
            format: 'pem',
          }) as string,
        'config.invalid',
      ],
      [
        'an encrypted key',
        () =>
          apiserverKey.export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: 'secret',
          }) as string,
        'request.invalid',
      ],
      ['text that is no PEM', () => 'hello', 'request.invalid'],
    ]
    it.each(bad)('refuses %s', async (_name, content, code) => {
      const file = join(t.dataDir, 'bad.pem')
      writeFileSync(file, content())
      const err = await importClusterSigningKey({
        cluster: 'kind',
        file,
        dataDir: t.dataDir,
        print,
      }).catch((e: unknown) => e)
      expect(isLanyardError(err) && err.code).toBe(code)
    })

    it.each([
      ['a missing file', { file: '/nonexistent/sa.key' }, 'request.invalid'],
      ['an unknown cluster', { cluster: 'nope' }, 'entity.not_found'],
    ])('refuses %s', async (_name, over, code) => {
      const err = await importClusterSigningKey({
        cluster: 'kind',
        file: keyFile(),
        dataDir: t.dataDir,
        print,
        ...over,
      }).catch((e: unknown) => e)
      expect(isLanyardError(err) && err.code).toBe(code)
    })
  })

  it('audits exports and imports without any key material', async () => {
    const { openSqliteStore } = await import('../store/sqlite/sqlite-store.js')
    const store = openSqliteStore(join(t.dataDir, 'lanyard.db'))
    try {
      const rows = await store.audit.query({ limit: 100 })
      const names = rows.map((r) => r.eventName)
      expect(names).toContain('ExportClusterSigningKey')
      expect(names).toContain('ImportClusterSigningKey')
      for (const r of rows.filter((x) => x.eventName.endsWith('ClusterSigningKey'))) {
        expect(r.record).not.toMatch(/PRIVATE KEY|"d":/)
        expect(JSON.parse(r.record).requestParameters.clusterName).toBe('kind')
      }
    } finally {
      await store.close()
    }
  })

  describe('PEM helpers', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    it.each([
      ['PKCS #1', key.export({ type: 'pkcs1', format: 'pem' }) as string],
      ['PKCS #8', key.export({ type: 'pkcs8', format: 'pem' }) as string],
    ])('reads a %s private key and writes it back as PKCS #8 + SPKI', (_name, pem) => {
      const jwk = privateJwkFromPem(pem)
      const pems = signingKeyPems(jwk)
      expect(pems.privateKeyPem).toBe(key.export({ type: 'pkcs8', format: 'pem' }))
      expect(pems.publicKeyPem).toBe(createPublicKey(key).export({ type: 'spki', format: 'pem' }))
      expect(kubernetesKeyId(key)).toBe(kidFromPublicPem(pems.publicKeyPem))
      expect(kubernetesKeyId(createPublicKey(key))).toBe(kubernetesKeyId(key))
    })
  })
})
