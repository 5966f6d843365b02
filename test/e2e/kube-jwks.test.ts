import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncProviderJwks } from '../../src/cli/provider-jwks.js'
import { type FakeKubeApiServer, startFakeKubeApiServer } from '../kube/fake-kube-apiserver.js'
import { startTestServer, type TestServer } from './harness.js'
import { webIdentityTrust } from './irsa-setup.js'

const ISSUER = 'https://kubernetes.default.svc.cluster.local'

/**
 * Federation way 3 with nothing public: Lanyard reads a private cluster's issuer keys through the
 * Kubernetes API (`/openid/v1/jwks`, served here by a local HTTP server speaking those two calls).
 */
describe('oidc-provider sync-jwks through the Kubernetes API', () => {
  let t: TestServer
  let kube: FakeKubeApiServer
  let providerArn: string
  let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

  beforeAll(async () => {
    t = await startTestServer()
    kube = await startFakeKubeApiServer()
    const pair = await generateKeyPair('RS256')
    key = pair.privateKey
    kube.setServiceAccountIssuer(ISSUER, {
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'kube-1', alg: 'RS256', use: 'sig' }],
    })
    const iam = new IAMClient(t.sdk)
    providerArn = (
      await iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: ISSUER,
          ClientIDList: ['sts.amazonaws.com'],
        }),
      )
    ).OpenIDConnectProviderArn as string
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'kube',
        AssumeRolePolicyDocument: webIdentityTrust(providerArn, {
          'kubernetes.default.svc.cluster.local:sub': 'system:serviceaccount:test:app',
        }),
      }),
    )
  })
  afterAll(async () => {
    await kube?.close()
    await t?.close()
  })

  it('stores the keys and the cluster tokens exchange', async () => {
    const lines: string[] = []
    await syncProviderJwks({
      arn: providerArn,
      kubeConfig: kube.kubeConfig(),
      dataDir: t.dataDir,
      print: (l) => lines.push(l),
    })
    expect(lines.at(-1)).toContain('stored 1 verification key')
    const token = await new SignJWT({ sub: 'system:serviceaccount:test:app' })
      .setProtectedHeader({ alg: 'RS256', kid: 'kube-1' })
      .setIssuer(ISSUER)
      .setAudience('sts.amazonaws.com')
      .setExpirationTime('10m')
      .sign(key)
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${t.credentials.accountId}:role/kube`,
        RoleSessionName: 'app',
        WebIdentityToken: token,
      }),
    )
    expect(out.Provider).toBe(providerArn)
  })

  it("refuses the keys of a cluster whose issuer is not the provider's", async () => {
    kube.setServiceAccountIssuer('https://other.example', { keys: [] })
    await expect(
      syncProviderJwks({
        arn: providerArn,
        kubeConfig: kube.kubeConfig(),
        dataDir: t.dataDir,
        print: () => undefined,
      }),
    ).rejects.toThrow(/not the provider's/)
  })
})
