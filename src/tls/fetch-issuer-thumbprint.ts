import { isIP } from 'node:net'
import { type ConnectionOptions, connect, type DetailedPeerCertificate } from 'node:tls'
import { LanyardError } from '../errors.js'
import { derThumbprint } from './thumbprint.js'

/** Options of {@link fetchIssuerThumbprint}. */
export interface FetchIssuerThumbprintOptions {
  /** PEM CA certificate(s) to trust instead of Node's bundled roots (e.g. the local CA). */
  ca?: string | undefined
  /** Per-handshake time limit in milliseconds; default 5000. */
  timeoutMs?: number | undefined
}

const DEFAULT_TIMEOUT_MS = 5000

interface Target {
  host: string
  port: number
  servername: string | undefined
  label: string
}

function parseTarget(url: string): Target {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new LanyardError(
      'request.invalid',
      `issuer url \`${url.slice(0, 200)}\` is not an absolute url`,
    )
  }
  if (parsed.protocol !== 'https:') {
    throw new LanyardError('request.invalid', `issuer url \`${url.slice(0, 200)}\` must use https`)
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = parsed.port === '' ? 443 : Number(parsed.port)
  // RFC 6066 §3: SNI carries host names only, never IP literals.
  const servername = isIP(host) === 0 ? host : undefined
  return { host, port, servername, label: `${parsed.host}` }
}

/** Certificates from the leaf up, as Node linked them (`issuerCertificate`), raw DER each. */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = []
  const seen = new Set<string>()
  let cert: DetailedPeerCertificate | undefined = leaf
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256)
    chain.push(cert)
    cert = cert.issuerCertificate
  }
  return chain
}

function handshake(
  options: ConnectionOptions,
  timeoutMs: number,
): Promise<DetailedPeerCertificate[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(options)
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error('tls handshake timed out'), { code: 'ETIMEDOUT' }))
    }, timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const chain = chainOf(socket.getPeerCertificate(true))
      socket.destroy()
      resolve(chain)
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      socket.destroy()
      reject(err)
    })
  })
}

function communicationError(target: Target, err: unknown): LanyardError {
  const code = (err as { code?: unknown }).code
  const reason = typeof code === 'string' ? ` (\`${code}\`)` : ''
  return new LanyardError(
    'idp.communication_error',
    `cannot fetch the tls certificate chain of \`${target.label}\`${reason}`,
    { cause: err },
  )
}

/**
 * The thumbprint IAM stores for an OIDC provider: lower-case hex SHA-1 of the top (last)
 * certificate of the chain the issuer's host presents — "the top intermediate CA" in AWS's
 * words, and what eksctl computes (`PeerCertificates[len-1]`) for `associate-iam-oidc-provider`.
 *
 * Two handshakes are made. The first verifies the server as any client would (against `ca`, or
 * Node's bundled roots, and the url's host name); the second reads the chain with an empty trust
 * store, because Node completes `getPeerCertificate(true)` with certificates from its trust store
 * and the thumbprint must come from what the server itself sends. Both must show the same leaf.
 * Failures throw `idp.communication_error`; a non-https url throws `request.invalid`.
 */
export async function fetchIssuerThumbprint(
  url: string,
  options: FetchIssuerThumbprintOptions = {},
): Promise<string> {
  const target = parseTarget(url)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new LanyardError('request.invalid', `timeout \`${timeoutMs}\` must be a positive number`)
  }
  const base: ConnectionOptions = {
    host: target.host,
    port: target.port,
    ...(target.servername === undefined ? {} : { servername: target.servername }),
  }
  try {
    const verified = await handshake(
      {
        ...base,
        rejectUnauthorized: true,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      timeoutMs,
    )
    // `ca: []` gives the connection an empty trust store, so Node cannot append anything to the
    // presented chain; verification already happened on the first connection.
    const presented = await handshake({ ...base, rejectUnauthorized: false, ca: [] }, timeoutMs)
    const leaf = verified[0]
    const top = presented.at(-1)
    if (
      leaf === undefined ||
      top === undefined ||
      presented[0]?.fingerprint256 !== leaf.fingerprint256
    ) {
      throw Object.assign(new Error('the server presented a different certificate'), {
        code: 'ERR_CERT_CHANGED',
      })
    }
    return derThumbprint(top.raw)
  } catch (err) {
    throw communicationError(target, err)
  }
}
