import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import { setProviderJwks } from '../../src/cli/provider-jwks.js'
import type { TestServer } from './harness.js'
import { webIdentityTrust } from './irsa-setup.js'

export interface UploadedIssuer {
  providerArn: string
  /** What `lanyard oidc-provider set-jwks` printed. */
  printed: string[]
  /** A token of this issuer: RS256 with its key, `iss`, `aud`, `iat`, `exp` in 10 minutes. */
  sign(claims: JWTPayload, audience: string): Promise<string>
  /** A role its tokens may assume when every `equals` condition holds (StringEquals). */
  role(name: string, equals: Record<string, string>): Promise<void>
}

/**
 * An issuer Lanyard never fetches from: a fresh RS256 key, the IAM OIDC provider for `url`
 * (through the SDK), and its JWKS uploaded with `lanyard oidc-provider set-jwks`.
 */
export async function uploadedIssuer(
  t: Pick<TestServer, 'sdk' | 'dataDir'>,
  url: string,
  clientIds: string[],
  kid = 'k1',
): Promise<UploadedIssuer> {
  const pair = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' }
  const file = join(t.dataDir, `jwks-${kid}.json`)
  writeFileSync(file, JSON.stringify({ keys: [jwk] }))
  const iam = new IAMClient(t.sdk)
  const p = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: clientIds }),
  )
  const providerArn = p.OpenIDConnectProviderArn as string
  const printed: string[] = []
  await setProviderJwks({
    arn: providerArn,
    file,
    dataDir: t.dataDir,
    print: (l) => printed.push(l),
  })
  return {
    providerArn,
    printed,
    sign: (claims, audience) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(url)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(pair.privateKey),
    role: async (name, equals) => {
      await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: webIdentityTrust(providerArn, equals),
        }),
      )
    },
  }
}
