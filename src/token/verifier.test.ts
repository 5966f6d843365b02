import { createHmac, createPublicKey, KeyObject, sign } from 'node:crypto'
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { isLanyardError } from '../errors.js'
import { buildJwks, generateSigningKey, mintServiceAccountToken } from '../oidc/index.js'
import { type AlgorithmSpec, algorithmSpec, type TokenAlgorithm } from './algorithms.js'
import { TOKEN_MESSAGES } from './messages.js'
import { watchedSignatureOffload } from './test-kit.js'
import type { TokenVerifierOptions, TrustedProvider, VerifyTokenDeps } from './types.js'
import { createTokenVerifier } from './verifier.js'
import type { SignatureCheck } from './verify-signature.js'

// Counts key imports (calls through to jose).
vi.mock('jose', async (importOriginal) => {
  const actual = await importOriginal<typeof import('jose')>()
  return { ...actual, importJWK: vi.fn(actual.importJWK) }
})

// ---------------------------------------------------------------------------------------------
// The test world: three issuers, one of each key source, a fake network and a settable clock.
// ---------------------------------------------------------------------------------------------

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)
const S = Math.floor(NOW / 1000)
const LOCAL = 'https://lanyard.test/id/0123456789ABCDEF0123456789ABCDEF'
const EXT = 'https://idp.example/tenant'
const PRIV = 'https://private.example/oidc'
const DISCOVERY = `${EXT}/.well-known/openid-configuration`
const JWKS_URI = `${EXT}/keys`
const AUD = 'sts.amazonaws.com'
const SUB = 'system:serviceaccount:default:my-app'
const ACCOUNT = '111122223333'

interface Signer {
  kid: string
  alg: TokenAlgorithm
  key: KeyObject
  jwk: JWK
}

async function makeSigner(alg: TokenAlgorithm, kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { kid, alg, key: KeyObject.from(privateKey), jwk }
}

interface Keys {
  local: Signer
  localEc: Signer
  ext: Signer
  extNext: Signer
  priv: Signer
  attacker: Signer
  small: { key: KeyObject; jwk: JWK }
}
let K: Keys

beforeAll(async () => {
  const [local, localEc, ext, extNext, priv, attacker] = await Promise.all([
    makeSigner('RS256', 'local-rsa'),
    makeSigner('ES256', 'local-ec'),
    makeSigner('RS256', 'ext-1'),
    makeSigner('RS384', 'ext-2'),
    makeSigner('ES384', 'priv-1'),
    makeSigner('RS256', 'attacker'),
  ])
  // JWT-18: jose refuses to generate RSA below 2048 bits; node:crypto does not.
  const { generateKeyPairSync } = await import('node:crypto')
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
  K = {
    local,
    localEc,
    ext,
    extNext,
    priv,
    attacker,
    small: {
      key: small.privateKey,
      jwk: { ...small.publicKey.export({ format: 'jwk' }), kid: 'small' },
    },
  }
})

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

function signBytes(alg: TokenAlgorithm, key: KeyObject, input: string): Buffer {
  const spec = algorithmSpec(alg) as AlgorithmSpec
  return spec.kty === 'EC'
    ? sign(spec.hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : sign(spec.hash, Buffer.from(input), key)
}

/** A token with any header and claims; header and claims may be raw JSON text. */
function token(
  header: object | string,
  claims: object | string,
  signer?: { alg: TokenAlgorithm; key: KeyObject },
): string {
  const input = `${b64(header)}.${b64(claims)}`
  const sig =
    signer === undefined ? '' : signBytes(signer.alg, signer.key, input).toString('base64url')
  return `${input}.${sig}`
}

const claims = (over: Record<string, unknown> = {}, iss = LOCAL): Record<string, unknown> => ({
  iss,
  sub: SUB,
  aud: [AUD],
  iat: S - 10,
  nbf: S - 10,
  exp: S + 3600,
  ...over,
})

/** A correctly signed token of `signer` (header alg and kid from the signer unless overridden). */
function signed(signer: Signer, over: Record<string, unknown> = {}, iss = LOCAL, header = {}) {
  return token({ alg: signer.alg, kid: signer.kid, ...header }, claims(over, iss), signer)
}

const provider = (url: string, extra: Partial<TrustedProvider> = {}): TrustedProvider => ({
  arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${url}`,
  url,
  clientIds: [AUD],
  ...extra,
})

interface World {
  deps: VerifyTokenDeps
  verify: (t: string) => Promise<unknown>
  fetchCalls: string[]
  findCalls: string[]
  resolveCalls: string[]
  providers: Map<string, TrustedProvider>
  local: Map<string, JWK[]>
  routes: Map<string, () => Response | Promise<Response>>
  dns: Map<string, string[]>
  advance: (ms: number) => void
}

function jsonResponse(body: unknown, cacheControl = 'public, max-age=3600') {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': cacheControl },
  })
}

function world(options: TokenVerifierOptions = {}, checkSignature?: SignatureCheck): World {
  let now = NOW
  const w: Omit<World, 'deps' | 'verify'> = {
    fetchCalls: [],
    findCalls: [],
    resolveCalls: [],
    providers: new Map([
      [LOCAL, provider(LOCAL.slice(8))],
      [EXT, provider(EXT.slice(8))],
      [PRIV, provider(PRIV.slice(8), { jwks: JSON.stringify({ keys: [K.priv.jwk] }) })],
    ]),
    local: new Map([[LOCAL, [K.local.jwk, K.localEc.jwk]]]),
    routes: new Map<string, () => Response | Promise<Response>>([
      [DISCOVERY, () => jsonResponse({ issuer: EXT, jwks_uri: JWKS_URI })],
      [JWKS_URI, () => jsonResponse({ keys: [K.ext.jwk] })],
    ]),
    dns: new Map(),
    advance: (ms) => {
      now += ms
    },
  }
  const deps: VerifyTokenDeps = {
    findProvider: async (iss) => {
      w.findCalls.push(iss)
      return w.providers.get(iss)
    },
    localKeys: async (iss) => w.local.get(iss),
    fetch: (async (input: string | URL | Request) => {
      const url = String(input)
      w.fetchCalls.push(url)
      const route = w.routes.get(url)
      return route === undefined ? new Response('not found', { status: 404 }) : route()
    }) as typeof fetch,
    resolveHost: async (host) => {
      w.resolveCalls.push(host)
      return w.dns.get(host) ?? ['93.184.215.14']
    },
    now: () => now,
    checkSignature,
  }
  const verifier = createTokenVerifier(deps, options)
  return { ...w, deps, verify: (t) => verifier.verify(t) }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    if (isLanyardError(err)) return err.code
    throw err
  }
}

afterEach(() => {
  vi.useRealTimers()
})

// ---------------------------------------------------------------------------------------------
// One case per applicable JWT-xx / OIDC-xx / STS-03 row of the security catalog.
// ---------------------------------------------------------------------------------------------

interface Case {
  id: string
  name: string
  token: (w: World) => string | Promise<string>
  code: string
  setup?: (w: World) => void
  /** The case must cause no network activity at all. */
  offline?: boolean
}

const cases: Case[] = [
  // baseline
  {
    id: 'OK',
    name: 'RS256 token of a local issuer',
    token: () => signed(K.local),
    code: 'ok',
    offline: true,
  },
  {
    id: 'OK',
    name: 'ES256 token of a local issuer',
    token: () => signed(K.localEc),
    code: 'ok',
    offline: true,
  },
  {
    id: 'OK',
    name: 'RS256 token of an external issuer',
    token: () => signed(K.ext, {}, EXT),
    code: 'ok',
  },
  {
    id: 'OK',
    name: 'ES384 token of a private issuer (uploaded JWKS)',
    token: () => signed(K.priv, {}, PRIV),
    code: 'ok',
    offline: true,
  },
  {
    id: 'STS-03',
    name: 'token followed by a newline (SDK reads the file verbatim)',
    token: () => `${signed(K.local)}\n`,
    code: 'ok',
    offline: true,
  },
  {
    id: 'STS-03',
    name: 'token surrounded by spaces, tabs and CRLF',
    token: () => ` \t${signed(K.local)}\r\n`,
    code: 'ok',
    offline: true,
  },
  { id: 'STS-03', name: 'empty token', token: () => '', code: 'token.malformed', offline: true },
  {
    id: 'STS-03',
    name: 'only whitespace',
    token: () => '  \n ',
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'STS-03',
    name: '3 characters',
    token: () => 'a.b',
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'STS-03',
    name: 'garbage',
    token: () => 'this is not a token',
    code: 'token.malformed',
    offline: true,
  },

  // JWT-01 alg none
  {
    id: 'JWT-01',
    name: 'alg none with a trailing dot',
    token: () => token({ alg: 'none' }, claims()),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-01',
    name: 'alg none without a trailing dot',
    token: () => token({ alg: 'none' }, claims()).slice(0, -1),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-01',
    name: 'alg none with a signature',
    token: () => `${token({ alg: 'none' }, claims())}c2ln`,
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-01',
    name: 'alg None',
    token: () => token({ alg: 'None', kid: 'local-rsa' }, claims()),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-01',
    name: 'alg NONE',
    token: () => token({ alg: 'NONE' }, claims()),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-01',
    name: 'alg nOnE',
    token: () => token({ alg: 'nOnE' }, claims()),
    code: 'token.bad_signature',
    offline: true,
  },

  // JWT-02 algorithm confusion
  {
    id: 'JWT-02',
    name: 'HS256 keyed with the issuer RSA public key (PEM)',
    token: () => {
      const pem = createPublicKey(K.local.key).export({ type: 'spki', format: 'pem' })
      const input = `${b64({ alg: 'HS256', kid: K.local.kid })}.${b64(claims())}`
      return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`
    },
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-02',
    name: 'HS256 keyed with the issuer JWK text',
    token: () => {
      const input = `${b64({ alg: 'HS256', kid: K.local.kid })}.${b64(claims())}`
      return `${input}.${createHmac('sha256', JSON.stringify(K.local.jwk)).update(input).digest('base64url')}`
    },
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-02',
    name: 'PS256 refused even with the right key',
    token: () => token({ alg: 'PS256', kid: K.local.kid }, claims()),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-02',
    name: 'EdDSA refused',
    token: () => token({ alg: 'EdDSA', kid: K.local.kid }, claims()),
    code: 'token.bad_signature',
    offline: true,
  },

  // JWT-03 kid injection
  ...[
    '../../../../dev/null',
    '/proc/self/environ',
    "' OR '1'='1",
    'http://169.254.169.254/',
    'x'.repeat(10_000),
    'local-rsa\u0000',
    'local-rsa\r\n',
  ].map(
    (kid): Case => ({
      id: 'JWT-03',
      name: `kid ${JSON.stringify(kid.slice(0, 30))} is only an unknown kid`,
      token: () => signed(K.local, {}, LOCAL, { kid }),
      code: 'token.bad_signature',
      offline: true,
    }),
  ),
  {
    id: 'JWT-03',
    name: 'kid-less token and a JWK with kid "" (pre-1.16 Kubernetes, as STS)',
    setup: (w) => w.local.set(LOCAL, [{ ...K.local.jwk, kid: '' }]),
    token: () => token({ alg: 'RS256' }, claims(), K.local),
    code: 'ok',
    offline: true,
  },
  {
    id: 'JWT-03',
    name: 'kid-less token never tries keys that have a kid',
    token: () => token({ alg: 'RS256' }, claims(), K.local),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-03',
    name: 'kid a number',
    token: () => signed(K.local, {}, LOCAL, { kid: 123 }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-03',
    name: 'kid an object',
    token: () => signed(K.local, {}, LOCAL, { kid: {} }),
    code: 'token.malformed',
    offline: true,
  },

  // JWT-04 key-carrying headers are ignored
  {
    id: 'JWT-04',
    name: 'jku to an attacker JWKS, signed by the attacker',
    token: () =>
      token(
        { alg: 'RS256', kid: K.attacker.kid, jku: 'https://attacker.example/jwks' },
        claims(),
        K.attacker,
      ),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-04',
    name: 'x5u to an attacker certificate',
    token: () =>
      token(
        { alg: 'RS256', kid: K.local.kid, x5u: 'https://attacker.example/cert.pem' },
        claims(),
        K.attacker,
      ),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-04',
    name: 'embedded jwk of the attacker (CVE-2018-0114)',
    token: () => token({ alg: 'RS256', jwk: K.attacker.jwk }, claims(), K.attacker),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-04',
    name: 'embedded jwk with the kid of a trusted key',
    token: () =>
      token({ alg: 'RS256', kid: K.local.kid, jwk: K.attacker.jwk }, claims(), K.attacker),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-04',
    name: 'x5c chain',
    token: () =>
      token({ alg: 'RS256', kid: K.local.kid, x5c: ['MIIBIjANBgkq'] }, claims(), K.attacker),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-04',
    name: 'jku on an otherwise valid token changes nothing',
    token: () => signed(K.local, {}, LOCAL, { jku: 'https://attacker.example/jwks' }),
    code: 'ok',
    offline: true,
  },

  // JWT-05 ECDSA special cases (the Wycheproof vectors cover many more)
  {
    id: 'JWT-05',
    name: 'ES256 r = 0, s = 0 (CVE-2022-21449)',
    token: () =>
      `${token({ alg: 'ES256', kid: K.localEc.kid }, claims())}${Buffer.alloc(64).toString('base64url')}`,
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-05',
    name: 'ES256 signature DER-encoded instead of R‖S',
    token: () => {
      const input = `${b64({ alg: 'ES256', kid: K.localEc.kid })}.${b64(claims())}`
      return `${input}.${sign('sha256', Buffer.from(input), K.localEc.key).toString('base64url')}`
    },
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-05',
    name: 'ES256 signature with a trailing zero byte',
    token: () => {
      const t = signed(K.localEc)
      const sig = Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url')
      return `${t.slice(0, t.lastIndexOf('.') + 1)}${Buffer.concat([sig, Buffer.alloc(1)]).toString('base64url')}`
    },
    code: 'token.bad_signature',
    offline: true,
  },

  // JWT-06 time claims
  {
    id: 'JWT-06',
    name: 'exp = now - 1',
    token: () => signed(K.local, { exp: S - 1 }),
    code: 'token.expired',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'exp = now',
    token: () => signed(K.local, { exp: S }),
    code: 'token.expired',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'nbf in the future',
    token: () => signed(K.local, { nbf: S + 600 }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'iat in the future',
    token: () => signed(K.local, { iat: S + 600 }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'iat in the far future',
    token: () => signed(K.local, { iat: S + 10 * 365 * 86400 }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'exp missing',
    token: () => signed(K.local, { exp: undefined }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'exp as a string',
    token: () => signed(K.local, { exp: '9999999999' }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-06',
    name: 'exp = 1e308',
    token: () => signed(K.local, { exp: 1e308 }),
    code: 'token.malformed',
    offline: true,
  },

  // JWT-07 audience
  {
    id: 'JWT-07',
    name: 'aud mismatch',
    token: () => signed(K.local, { aud: 'https://kubernetes.default.svc' }),
    code: 'token.audience_mismatch',
    offline: true,
  },
  {
    id: 'JWT-07',
    name: 'aud array containing the client id among others',
    token: () => signed(K.local, { aud: ['https://kubernetes.default.svc', AUD] }),
    code: 'ok',
    offline: true,
  },
  {
    id: 'JWT-07',
    name: 'aud as a plain string',
    token: () => signed(K.local, { aud: AUD }),
    code: 'ok',
    offline: true,
  },
  {
    id: 'JWT-07',
    name: 'aud empty array',
    token: () => signed(K.local, { aud: [] }),
    code: 'token.audience_mismatch',
    offline: true,
  },
  {
    id: 'JWT-07',
    name: 'aud array of non-strings',
    token: () => signed(K.local, { aud: [1, 2] }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-07',
    name: 'aud absent',
    token: () => signed(K.local, { aud: undefined }),
    code: 'token.audience_mismatch',
    offline: true,
  },

  // JWT-08 exact issuer
  ...[
    ['trailing slash', `${LOCAL}/`],
    ['http scheme', LOCAL.replace('https://', 'http://')],
    ['upper-case host', LOCAL.replace('lanyard.test', 'LANYARD.test')],
    ['default port', LOCAL.replace('lanyard.test', 'lanyard.test:443')],
    ['path case', LOCAL.replace('/id/', '/ID/')],
    ['no scheme', LOCAL.slice(8)],
    ['trailing space', `${LOCAL} `],
  ].map(
    ([name, iss]): Case => ({
      id: 'JWT-08',
      name: `issuer with ${name}`,
      token: () => signed(K.local, {}, iss as string),
      code: 'token.untrusted_issuer',
      offline: true,
    }),
  ),

  // JWT-09 duplicate members: the last one wins everywhere
  {
    id: 'JWT-09',
    name: 'header {"alg":"RS256","alg":"none"}',
    token: () => token(`{"alg":"RS256","kid":"local-rsa","alg":"none"}`, claims(), K.local),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-09',
    name: 'claims with two iss, the last untrusted',
    token: () =>
      token(
        { alg: 'RS256', kid: K.local.kid },
        `${JSON.stringify(claims()).slice(0, -1)},"iss":"https://evil.example"}`,
        K.local,
      ),
    code: 'token.untrusted_issuer',
    offline: true,
  },

  // JWT-10 size
  {
    id: 'JWT-10',
    name: '20 001 characters',
    token: () => `${signed(K.local)}${'A'.repeat(20_001)}`.slice(0, 20_001),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-10',
    name: '1 MB',
    token: () => 'A'.repeat(1_000_000),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-10',
    name: '20 000 dots',
    token: () => '.'.repeat(20_000),
    code: 'token.malformed',
    offline: true,
  },

  // JWT-11 non-canonical base64url
  {
    id: 'JWT-11',
    name: 'padding on the payload',
    token: () => {
      const [h, p, s] = signed(K.local).split('.')
      return `${h}.${p}==.${s}`
    },
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-11',
    name: 'standard-alphabet characters',
    token: () => signed(K.local).replaceAll('-', '+').replaceAll('_', '/').replace('.', '+.'),
    code: 'token.malformed',
    offline: true,
  },

  // JWT-12 crit
  ...[['exp'], ['foo'], [], ['b64', 'b64']].map(
    (crit): Case => ({
      id: 'JWT-12',
      name: `crit ${JSON.stringify(crit)}`,
      token: () => signed(K.local, {}, LOCAL, { crit, exp: S, foo: 1, b64: true }),
      code: 'token.malformed',
      offline: true,
    }),
  ),

  // JWT-13 serialisations
  {
    id: 'JWT-13',
    name: 'nested JWT (cty JWT)',
    token: () => signed(K.local, {}, LOCAL, { cty: 'JWT' }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-13',
    name: 'JWE compact (5 parts)',
    token: () =>
      `${b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: K.local.kid })}.AAAA.AAAA.AAAA.AAAA`,
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-13',
    name: 'JWS JSON serialization',
    token: () => {
      const [h, p, s] = signed(K.local).split('.')
      return JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] })
    },
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-13',
    name: 'extra segment',
    token: () => `${signed(K.local)}.AAAA`,
    code: 'token.malformed',
    offline: true,
  },

  // JWT-16 duplicate kid
  {
    id: 'JWT-16',
    name: 'JWKS with two RSA keys under one kid',
    setup: (w) => w.local.set(LOCAL, [K.local.jwk, { ...K.attacker.jwk, kid: K.local.kid }]),
    token: () => signed(K.local),
    code: 'token.bad_signature',
    offline: true,
  },

  // JWT-17 key type / alg mismatch
  {
    id: 'JWT-17',
    name: 'RS256 token vs an EC JWK with the same kid',
    setup: (w) => w.local.set(LOCAL, [{ ...K.localEc.jwk, kid: 'k' }]),
    token: () => token({ alg: 'RS256', kid: 'k' }, claims(), K.local),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-17',
    name: 'ES256 token vs a P-384 key',
    setup: (w) => {
      const { alg: _alg, ...p384 } = K.priv.jwk
      w.local.set(LOCAL, [{ ...p384, kid: 'k' }])
    },
    token: () => token({ alg: 'ES256', kid: 'k' }, claims(), K.localEc),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-17',
    name: 'JWK alg PS256 for an RS256 token',
    setup: (w) => w.local.set(LOCAL, [{ ...K.local.jwk, alg: 'PS256' }]),
    token: () => signed(K.local),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-17',
    name: 'JWK use enc',
    setup: (w) => w.local.set(LOCAL, [{ ...K.local.jwk, use: 'enc' }]),
    token: () => signed(K.local),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-17',
    name: 'JWK key_ops encrypt',
    setup: (w) => w.local.set(LOCAL, [{ ...K.local.jwk, key_ops: ['encrypt'] }]),
    token: () => signed(K.local),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-17',
    name: 'a private key published in the JWKS',
    setup: (w) => w.local.set(LOCAL, [K.local.jwk, { ...K.localEc.jwk, d: 'AAAA' }]),
    token: () => signed(K.local),
    code: 'token.bad_signature',
    offline: true,
  },

  // JWT-18 weak keys
  {
    id: 'JWT-18',
    name: '1024-bit RSA key',
    setup: (w) => w.local.set(LOCAL, [K.small.jwk]),
    token: () =>
      token({ alg: 'RS256', kid: 'small' }, claims(), { alg: 'RS256', key: K.small.key }),
    code: 'token.bad_signature',
    offline: true,
  },

  // JWT-19 RSA signature edge values
  ...[
    ['zero', () => Buffer.alloc(256)],
    ['one', () => Buffer.concat([Buffer.alloc(255), Buffer.from([1])])],
    ['all ones', () => Buffer.alloc(256, 0xff)],
    ['modulus n', () => Buffer.from(K.local.jwk.n as string, 'base64url')],
    ['one byte short', () => Buffer.alloc(255, 7)],
  ].map(
    ([name, sig]): Case => ({
      id: 'JWT-19',
      name: `RS256 signature = ${name as string}`,
      token: () =>
        `${token({ alg: 'RS256', kid: K.local.kid }, claims())}${(sig as () => Buffer)().toString('base64url')}`,
      code: 'token.bad_signature',
      offline: true,
    }),
  ),

  // JWT-20 claim types
  {
    id: 'JWT-20',
    name: 'sub a number',
    token: () => signed(K.local, { sub: 12345678 }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-20',
    name: 'sub missing',
    token: () => signed(K.local, { sub: undefined }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-20',
    name: 'iss an array',
    token: () => signed(K.local, { iss: [LOCAL] }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-20',
    name: 'iss missing',
    token: () => signed(K.local, { iss: undefined }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-20',
    name: 'aud an object',
    token: () => signed(K.local, { aud: { [AUD]: true } }),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-20',
    name: 'claims set an array',
    token: () => token({ alg: 'RS256', kid: K.local.kid }, [claims()], K.local),
    code: 'token.malformed',
    offline: true,
  },
  {
    id: 'JWT-20',
    name: 'claims set a string',
    token: () => token({ alg: 'RS256', kid: K.local.kid }, '"x"', K.local),
    code: 'token.malformed',
    offline: true,
  },

  // JWT-22 mixed-up providers
  {
    id: 'JWT-22',
    name: 'iss of the local issuer, signed by the external issuer key',
    token: () => token({ alg: 'RS256', kid: K.ext.kid }, claims(), K.ext),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'JWT-22',
    name: 'iss of the private issuer, signed by a local key with the same kid',
    token: () =>
      token({ alg: 'ES384', kid: K.priv.kid }, claims({}, PRIV), {
        alg: 'ES256',
        key: K.localEc.key,
      }),
    code: 'token.bad_signature',
    offline: true,
  },

  // OIDC-06 unregistered issuer: no network at all
  {
    id: 'OIDC-06',
    name: 'unregistered https issuer',
    token: () => signed(K.attacker, {}, 'https://attacker.example'),
    code: 'token.untrusted_issuer',
    offline: true,
  },
  {
    id: 'OIDC-06',
    name: 'unregistered metadata-address issuer',
    token: () => signed(K.attacker, {}, 'http://169.254.169.254/latest/meta-data'),
    code: 'token.untrusted_issuer',
    offline: true,
  },
  {
    id: 'OIDC-06',
    name: 'issuer longer than any provider url',
    token: () => signed(K.attacker, {}, `https://${'a'.repeat(300)}`),
    code: 'token.untrusted_issuer',
    offline: true,
  },

  // OIDC-01 / OIDC-02 SSRF
  ...[['127.0.0.1'], ['10.0.0.5'], ['169.254.169.254'], ['::1'], ['fc00::1'], ['0.0.0.0']].map(
    ([address]): Case => ({
      id: 'OIDC-01',
      name: `issuer host resolving to ${address}`,
      setup: (w) => w.dns.set('idp.example', [address as string]),
      token: () => signed(K.ext, {}, EXT),
      code: 'token.idp_unreachable',
      offline: true,
    }),
  ),
  {
    id: 'OIDC-01',
    name: 'registered provider at a metadata address literal',
    setup: (w) =>
      w.providers.set('https://169.254.169.254/latest', provider('169.254.169.254/latest')),
    token: () => signed(K.ext, {}, 'https://169.254.169.254/latest'),
    code: 'token.idp_unreachable',
    offline: true,
  },
  {
    id: 'OIDC-02',
    name: 'jwks_uri over http',
    setup: (w) =>
      w.routes.set(DISCOVERY, () =>
        jsonResponse({ issuer: EXT, jwks_uri: 'http://idp.example/tenant/keys' }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },
  {
    id: 'OIDC-02',
    name: 'jwks_uri at a private address',
    setup: (w) =>
      w.routes.set(DISCOVERY, () =>
        jsonResponse({ issuer: EXT, jwks_uri: 'https://10.1.2.3/keys' }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },
  {
    id: 'OIDC-02',
    name: 'jwks_uri whose host resolves to the metadata address',
    setup: (w) => {
      w.routes.set(DISCOVERY, () =>
        jsonResponse({ issuer: EXT, jwks_uri: 'https://keys.example/jwks' }),
      )
      w.dns.set('keys.example', ['169.254.169.254'])
    },
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },

  // OIDC-03 redirects
  {
    id: 'OIDC-03',
    name: 'discovery redirects',
    setup: (w) =>
      w.routes.set(
        DISCOVERY,
        () => new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },
  {
    id: 'OIDC-03',
    name: 'JWKS redirects',
    setup: (w) =>
      w.routes.set(
        JWKS_URI,
        () =>
          new Response(null, { status: 307, headers: { location: 'https://idp.example/other' } }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },

  // OIDC-05 discovery issuer mismatch
  ...[
    ['trailing slash', `${EXT}/`],
    ['case', EXT.toUpperCase()],
    ['another host', 'https://other.example/tenant'],
    ['missing', undefined],
  ].map(
    ([name, issuer]): Case => ({
      id: 'OIDC-05',
      name: `discovery issuer ${name}`,
      setup: (w) => w.routes.set(DISCOVERY, () => jsonResponse({ issuer, jwks_uri: JWKS_URI })),
      token: () => signed(K.ext, {}, EXT),
      code: 'token.idp_unreachable',
    }),
  ),

  // OIDC-07 sizes
  {
    id: 'OIDC-07',
    name: 'oversized JWKS',
    setup: (w) =>
      w.routes.set(JWKS_URI, () =>
        jsonResponse({ keys: [K.ext.jwk], pad: 'x'.repeat(300 * 1024) }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },
  {
    id: 'OIDC-07',
    name: 'JWKS with 101 keys',
    setup: (w) =>
      w.routes.set(JWKS_URI, () =>
        jsonResponse({ keys: Array.from({ length: 101 }, () => K.ext.jwk) }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },
  {
    id: 'OIDC-07',
    name: 'oversized discovery document',
    setup: (w) =>
      w.routes.set(DISCOVERY, () =>
        jsonResponse({ issuer: EXT, jwks_uri: JWKS_URI, pad: 'x'.repeat(70 * 1024) }),
      ),
    token: () => signed(K.ext, {}, EXT),
    code: 'token.idp_unreachable',
  },

  // OIDC-08 bad responses
  ...[
    ['404', () => new Response('no', { status: 404 })],
    ['HTML', () => new Response('<html></html>', { status: 200 })],
    ['not a JWK Set', () => jsonResponse({ key: [] })],
    ['keys not an array', () => jsonResponse({ keys: {} })],
    [
      'only unknown key types',
      () => jsonResponse({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AA' }] }),
    ],
    ['empty key set', () => jsonResponse({ keys: [] })],
    [
      'a symmetric key in the set',
      () => jsonResponse({ keys: [K.ext.jwk, { kty: 'oct', k: 'c2VjcmV0' }] }),
    ],
  ].map(
    ([name, respond]): Case => ({
      id: 'OIDC-08',
      name: `JWKS response: ${name as string}`,
      setup: (w) => w.routes.set(JWKS_URI, respond as () => Response),
      token: () => signed(K.ext, {}, EXT),
      code: 'token.idp_unreachable',
    }),
  ),

  // uploaded JWKS
  {
    id: 'UPLOAD',
    name: 'uploaded JWKS that is not JSON',
    setup: (w) => w.providers.set(PRIV, provider(PRIV.slice(8), { jwks: '{not json' })),
    token: () => signed(K.priv, {}, PRIV),
    code: 'token.bad_signature',
    offline: true,
  },
  {
    id: 'UPLOAD',
    name: 'uploaded JWKS without the token key',
    setup: (w) =>
      w.providers.set(
        PRIV,
        provider(PRIV.slice(8), { jwks: JSON.stringify({ keys: [K.ext.jwk] }) }),
      ),
    token: () => signed(K.priv, {}, PRIV),
    code: 'token.bad_signature',
    offline: true,
  },
]

describe('security catalog (docs/security-catalog.md §1-§3)', () => {
  it.each(cases)('$id $name → $code', async (c) => {
    const w = world()
    c.setup?.(w)
    expect(await codeOf(w.verify(await c.token(w)))).toBe(c.code)
    if (c.offline) {
      expect(w.fetchCalls).toEqual([])
    }
  })

  describe('with signatures verified on the signature thread', () => {
    const { offload, up } = watchedSignatureOffload()
    beforeAll(async () => {
      // The first check starts the thread (and is answered inline).
      const spec = algorithmSpec('RS256') as AlgorithmSpec
      const key = { key: createPublicKey(K.local.key), signatureBytes: 256 }
      expect(offload.check(spec, key, Buffer.from('x'), Buffer.alloc(256))).toBe(false)
      await up()
    })
    afterAll(() => offload.close())

    it.each(cases)('$id $name → $code', async (c) => {
      const w = world({}, offload.check)
      c.setup?.(w)
      expect(await codeOf(w.verify(await c.token(w)))).toBe(c.code)
    })
  })

  it('never resolves or fetches anything for an unregistered issuer (OIDC-06)', async () => {
    const w = world()
    const t = token(
      { alg: 'RS256', kid: 'x', jku: 'https://attacker.example/jwks' },
      claims({}, 'https://attacker.example'),
      K.attacker,
    )
    await expect(w.verify(t)).rejects.toMatchObject({
      code: 'token.untrusted_issuer',
      message: 'No OpenIDConnect provider found in your account for https://attacker.example',
    })
    expect(w.fetchCalls).toEqual([])
    expect(w.resolveCalls).toEqual([])
  })

  it('looks providers up by the exact issuer and re-checks what the store returns (JWT-08)', async () => {
    const w = world()
    // A store that normalises (here: ignores a trailing slash) must not widen the match.
    w.deps.findProvider = async (iss) => w.providers.get(iss.replace(/\/$/, ''))
    const verifier = createTokenVerifier(w.deps)
    expect(await codeOf(verifier.verify(signed(K.local, {}, `${LOCAL}/`)))).toBe(
      'token.untrusted_issuer',
    )
  })

  it('never fetches the jku, x5u or jwks of a header (JWT-04)', async () => {
    const w = world()
    const t = token(
      {
        alg: 'RS256',
        kid: 'nope',
        jku: 'https://attacker.example/jwks',
        x5u: 'https://attacker.example/x5u',
      },
      claims({}, EXT),
      K.attacker,
    )
    expect(await codeOf(w.verify(t))).toBe('token.bad_signature')
    expect(w.fetchCalls.every((u) => u.startsWith(EXT))).toBe(true)
    expect(w.resolveCalls.every((h) => h === 'idp.example')).toBe(true)
  })

  it('allows replay of a valid token until exp (JWT-21)', async () => {
    const w = world()
    const t = signed(K.local, { exp: S + 60 })
    expect(await codeOf(w.verify(t))).toBe('ok')
    expect(await codeOf(w.verify(t))).toBe('ok')
    w.advance(60_000)
    expect(await codeOf(w.verify(t))).toBe('token.expired')
  })
})

// ---------------------------------------------------------------------------------------------
// What a verified identity carries.
// ---------------------------------------------------------------------------------------------

describe('WebIdentity', () => {
  it('carries subject, matched audience, provider, times, key and Kubernetes claims', async () => {
    const w = world()
    const t = signed(K.local, {
      aud: ['https://kubernetes.default.svc', AUD],
      jti: 'e51f1fbc-4733-4b85-a59f-ba80c0523874',
      'kubernetes.io': {
        namespace: 'default',
        serviceaccount: { name: 'my-app', uid: 'sa-uid' },
        pod: { name: 'my-app-0', uid: 'pod-uid' },
      },
      'https://aws.amazon.com/tags': {
        principal_tags: { team: ['a'] },
        transitive_tag_keys: ['team'],
      },
      'https://aws.amazon.com/source_identity': 'alice',
    })
    expect(await w.verify(t)).toMatchObject({
      issuer: LOCAL,
      provider: { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${LOCAL.slice(8)}` },
      subject: SUB,
      audience: AUD,
      audiences: ['https://kubernetes.default.svc', AUD],
      jti: 'e51f1fbc-4733-4b85-a59f-ba80c0523874',
      expiresAt: (S + 3600) * 1000,
      issuedAt: (S - 10) * 1000,
      algorithm: 'RS256',
      keyId: 'local-rsa',
      kubernetes: {
        namespace: 'default',
        serviceAccount: { name: 'my-app', uid: 'sa-uid' },
        pod: { name: 'my-app-0', uid: 'pod-uid' },
      },
      sessionTags: { principalTags: [{ key: 'team', value: 'a' }], transitiveTagKeys: ['team'] },
      sourceIdentity: 'alice',
    })
  })

  it('takes the last of duplicate claims, the value that was signed (JWT-09)', async () => {
    const w = world()
    const text = `${JSON.stringify(claims()).slice(0, -1)},"sub":"system:serviceaccount:other:sa"}`
    const identity = (await w.verify(token({ alg: 'RS256', kid: K.local.kid }, text, K.local))) as {
      subject: string
    }
    expect(identity.subject).toBe('system:serviceaccount:other:sa')
  })

  it('verifies every allowed algorithm', async () => {
    const w = world()
    const signers = await Promise.all(
      (['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const).map((alg) =>
        makeSigner(alg, `k-${alg}`),
      ),
    )
    w.local.set(
      LOCAL,
      signers.map((s) => s.jwk),
    )
    for (const s of signers) {
      expect(await codeOf(w.verify(signed(s))), s.alg).toBe('ok')
    }
  })

  it('accepts a token jose signs, and jose accepts the tokens used here (oracle)', async () => {
    const w = world()
    const { privateKey } = { privateKey: K.local.key }
    const joseToken = await new SignJWT({ sub: SUB, aud: AUD })
      .setProtectedHeader({ alg: 'RS256', kid: K.local.kid })
      .setIssuer(LOCAL)
      .setIssuedAt(S)
      .setExpirationTime(S + 600)
      .sign(privateKey)
    expect(await codeOf(w.verify(joseToken))).toBe('ok')
  })

  it('verifies projected tokens minted by Lanyard’s own issuer (src/oidc)', async () => {
    const w = world()
    const key = await generateSigningKey({ now: NOW })
    w.local.set(LOCAL, buildJwks([key]).keys as unknown as JWK[])
    const t = await mintServiceAccountToken({
      issuer: LOCAL,
      key,
      namespace: 'default',
      serviceAccount: 'my-app',
      podName: 'my-app-0',
      podUid: '0d8b1c7e-3f1a-4c55-9a0e-7d0c2b7e9f11',
      now: NOW,
    })
    expect(await w.verify(`${t}\n`)).toMatchObject({
      subject: SUB,
      audience: AUD,
      kubernetes: { namespace: 'default', pod: { name: 'my-app-0' } },
    })
  })

  it('never puts the token, its signature or key material in an error', async () => {
    const w = world()
    const t = signed(K.local, { aud: 'nope' })
    const forged = `${t.slice(0, t.lastIndexOf('.'))}.${Buffer.alloc(256, 9).toString('base64url')}`
    for (const bad of [t, forged, `${t}.x`, t.replace(LOCAL, LOCAL)]) {
      try {
        await w.verify(bad)
      } catch (err) {
        const text = `${(err as Error).message} ${JSON.stringify(err)}`
        for (const part of bad.split('.')) {
          if (part.length > 8) expect(text).not.toContain(part)
        }
        expect(text).not.toContain(K.local.jwk.n)
      }
    }
  })
})

// ---------------------------------------------------------------------------------------------
// External issuers: discovery, caching, refetch and failure behaviour.
// ---------------------------------------------------------------------------------------------

describe('external issuers', () => {
  it('fetches discovery then jwks_uri once and caches the key set', async () => {
    const w = world()
    expect(await codeOf(w.verify(signed(K.ext, {}, EXT)))).toBe('ok')
    expect(await codeOf(w.verify(signed(K.ext, { jti: 'second' }, EXT)))).toBe('ok')
    expect(w.fetchCalls).toEqual([DISCOVERY, JWKS_URI])
    expect(w.resolveCalls).toEqual(['idp.example', 'idp.example'])
  })

  it('strips one trailing slash of the issuer to build the discovery url', async () => {
    const w = world()
    const slash = `${EXT}/`
    w.providers.set(slash, provider(slash.slice(8)))
    w.routes.set(DISCOVERY, () => jsonResponse({ issuer: slash, jwks_uri: JWKS_URI }))
    expect(await codeOf(w.verify(signed(K.ext, {}, slash)))).toBe('ok')
    expect(w.fetchCalls[0]).toBe(DISCOVERY)
  })

  it('honours Cache-Control max-age, within bounds', async () => {
    const w = world()
    w.routes.set(JWKS_URI, () => jsonResponse({ keys: [K.ext.jwk] }, 'max-age=120'))
    await w.verify(signed(K.ext, {}, EXT))
    w.advance(119_000)
    await w.verify(signed(K.ext, {}, EXT))
    expect(w.fetchCalls).toHaveLength(2)
    w.advance(2_000)
    // Past the TTL the cached set still answers while one background refetch runs.
    expect(await codeOf(w.verify(signed(K.ext, {}, EXT)))).toBe('ok')
    await vi.waitFor(() => expect(w.fetchCalls).toHaveLength(4))
  })

  it('treats no-store as the minimum TTL rather than a fetch per token', async () => {
    const w = world({ jwksMinTtlSeconds: 60 })
    w.routes.set(JWKS_URI, () => jsonResponse({ keys: [K.ext.jwk] }, 'no-store'))
    for (let i = 0; i < 5; i++) await w.verify(signed(K.ext, {}, EXT))
    expect(w.fetchCalls).toHaveLength(2)
  })

  it('refetches once for an unknown kid after rotation, then accepts it (JWT-15)', async () => {
    const w = world()
    await w.verify(signed(K.ext, {}, EXT))
    w.routes.set(JWKS_URI, () => jsonResponse({ keys: [K.ext.jwk, K.extNext.jwk] }))
    w.advance(31_000)
    expect(await codeOf(w.verify(signed(K.extNext, {}, EXT)))).toBe('ok')
    expect(w.fetchCalls).toEqual([DISCOVERY, JWKS_URI, DISCOVERY, JWKS_URI])
  })

  it('rate-limits refetches caused by unknown kids to one per 30 s per issuer (OIDC-10)', async () => {
    const w = world()
    await w.verify(signed(K.ext, {}, EXT))
    w.advance(31_000)
    const flood = Array.from({ length: 50 }, (_, i) =>
      w.verify(token({ alg: 'RS256', kid: `random-${i}` }, claims({}, EXT), K.ext)),
    )
    const codes = await Promise.all(flood.map(codeOf))
    expect(new Set(codes)).toEqual(new Set(['token.bad_signature']))
    expect(w.fetchCalls).toHaveLength(4) // the first load + one refetch
    w.advance(10_000)
    await codeOf(w.verify(token({ alg: 'RS256', kid: 'again' }, claims({}, EXT), K.ext)))
    expect(w.fetchCalls).toHaveLength(4)
    w.advance(21_000)
    await codeOf(w.verify(token({ alg: 'RS256', kid: 'later' }, claims({}, EXT), K.ext)))
    expect(w.fetchCalls).toHaveLength(6)
  })

  it('keeps accepting a removed key until the cached set is refreshed (JWT-14)', async () => {
    const w = world()
    await w.verify(signed(K.ext, { exp: S + 86_400 }, EXT))
    w.routes.set(JWKS_URI, () => jsonResponse({ keys: [K.extNext.jwk] }))
    w.advance(3_599_000)
    expect(await codeOf(w.verify(signed(K.ext, { exp: S + 86_400 }, EXT)))).toBe('ok')
    w.advance(2_000)
    await codeOf(w.verify(signed(K.ext, { exp: S + 86_400 }, EXT))) // served stale, refreshes in the background
    await vi.waitFor(() => expect(w.fetchCalls).toHaveLength(4))
    expect(await codeOf(w.verify(signed(K.ext, { exp: S + 86_400 }, EXT)))).toBe(
      'token.bad_signature',
    )
  })

  it('keeps the last good key set when a refresh fails or is empty (OIDC-08, OIDC-09)', async () => {
    const w = world({ failureBackoffSeconds: 5 })
    await w.verify(signed(K.ext, { exp: S + 86_400 }, EXT))
    w.routes.set(JWKS_URI, () => jsonResponse({ keys: [] }))
    w.advance(3_601_000)
    expect(await codeOf(w.verify(signed(K.ext, { exp: S + 86_400 }, EXT)))).toBe('ok')
    await vi.waitFor(() => expect(w.fetchCalls).toHaveLength(4))
    w.routes.set(JWKS_URI, () => new Response('down', { status: 503 }))
    w.advance(6_000)
    expect(await codeOf(w.verify(signed(K.ext, { exp: S + 86_400 }, EXT)))).toBe('ok')
    // Beyond the stale bound (TTL + 1 h) the issuer is unreachable for good.
    w.advance(3_600_000)
    expect(await codeOf(w.verify(signed(K.ext, { exp: S + 86_400 }, EXT)))).toBe(
      'token.idp_unreachable',
    )
  })

  it('backs off after a failed fetch instead of fetching per token', async () => {
    const w = world({ failureBackoffSeconds: 5 })
    w.routes.set(DISCOVERY, () => new Response('down', { status: 503 }))
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(w.verify(signed(K.ext, {}, EXT)))).toBe('token.idp_unreachable')
    }
    expect(w.fetchCalls).toEqual([DISCOVERY])
    w.advance(5_000)
    await codeOf(w.verify(signed(K.ext, {}, EXT)))
    expect(w.fetchCalls).toEqual([DISCOVERY, DISCOVERY])
  })

  it('shares one fetch among concurrent tokens of one issuer', async () => {
    const w = world()
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        codeOf(w.verify(signed(K.ext, { jti: String(i) }, EXT))),
      ),
    )
    expect(new Set(results)).toEqual(new Set(['ok']))
    expect(w.fetchCalls).toEqual([DISCOVERY, JWKS_URI])
  })

  it('times out a silent identity provider (OIDC-07)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = world({ fetchTimeoutMs: 5000 })
    w.routes.set(DISCOVERY, () => new Promise<Response>(() => {}))
    const outcome = codeOf(w.verify(signed(K.ext, {}, EXT)))
    await vi.advanceTimersByTimeAsync(5000)
    expect(await outcome).toBe('token.idp_unreachable')
  })

  it('uses AWS’s message for every key retrieval failure', async () => {
    const w = world()
    w.dns.set('idp.example', ['127.0.0.1'])
    await expect(w.verify(signed(K.ext, {}, EXT))).rejects.toMatchObject({
      code: 'token.idp_unreachable',
      message: TOKEN_MESSAGES.noVerificationKey,
      cause: expect.any(Error),
    })
  })
})

// ---------------------------------------------------------------------------------------------
// Key sources and caches.
// ---------------------------------------------------------------------------------------------

describe('key sources', () => {
  it('uses the uploaded JWKS of a provider and never fetches for it', async () => {
    const w = world()
    expect(await codeOf(w.verify(signed(K.priv, {}, PRIV)))).toBe('ok')
    expect(w.fetchCalls).toEqual([])
    expect(w.resolveCalls).toEqual([])
  })

  it('picks up a changed uploaded JWKS', async () => {
    const w = world()
    expect(await codeOf(w.verify(signed(K.priv, {}, PRIV)))).toBe('ok')
    w.providers.set(PRIV, provider(PRIV.slice(8), { jwks: JSON.stringify({ keys: [K.ext.jwk] }) }))
    expect(await codeOf(w.verify(signed(K.priv, {}, PRIV)))).toBe('token.bad_signature')
    expect(await codeOf(w.verify(signed(K.ext, {}, PRIV)))).toBe('ok')
  })

  it('follows rotation of a local issuer’s keys without any fetch', async () => {
    const w = world()
    expect(await codeOf(w.verify(signed(K.local)))).toBe('ok')
    w.local.set(LOCAL, [K.localEc.jwk])
    expect(await codeOf(w.verify(signed(K.local)))).toBe('token.bad_signature')
    expect(await codeOf(w.verify(signed(K.localEc)))).toBe('ok')
    expect(w.fetchCalls).toEqual([])
  })

  it('imports the keys of a local issuer once, however many tokens', async () => {
    const w = world()
    const jwks = [K.local.jwk]
    let reads = 0
    w.deps.localKeys = async () => {
      reads++
      // Every other read returns an equal copy, as a store that rebuilds the array would.
      return reads % 2 === 0 ? jwks : structuredClone(jwks)
    }
    const verifier = createTokenVerifier(w.deps)
    vi.mocked(importJWK).mockClear()
    for (let i = 0; i < 6; i++) await verifier.verify(signed(K.local, { jti: String(i) }))
    expect(reads).toBe(6)
    expect(vi.mocked(importJWK)).toHaveBeenCalledTimes(1)
  })

  it('caches verified tokens only when asked, and only until exp', async () => {
    const w = world({ resultCacheSize: 8 })
    const t = signed(K.local, { exp: S + 30 })
    await w.verify(t)
    w.local.set(LOCAL, []) // keys gone: only the cache can still answer
    expect(await codeOf(w.verify(t))).toBe('ok')
    w.advance(30_000)
    // Past exp the cache does not answer: the full check runs and finds no key.
    expect(await codeOf(w.verify(t))).toBe('token.bad_signature')
  })

  it('drops a cached verification when the provider is gone or lost the audience', async () => {
    const w = world({ resultCacheSize: 8 })
    const t = signed(K.local)
    await w.verify(t)
    w.providers.set(LOCAL, provider(LOCAL.slice(8), { clientIds: ['something-else'] }))
    expect(await codeOf(w.verify(t))).toBe('token.audience_mismatch')
    w.providers.delete(LOCAL)
    expect(await codeOf(w.verify(t))).toBe('token.untrusted_issuer')
  })

  it('does not cache by default', async () => {
    const w = world()
    const t = signed(K.local)
    await w.verify(t)
    w.local.set(LOCAL, [])
    expect(await codeOf(w.verify(t))).toBe('token.bad_signature')
  })
})
