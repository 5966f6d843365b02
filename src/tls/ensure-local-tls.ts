import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LanyardError } from '../errors.js'
import { writeFileAtomic } from './atomic-write.js'
import { createLocalCa, createServerCertificate, importCaKey } from './certificates.js'
import { type SanEntry, toSanEntries } from './hostnames.js'
import { x509 } from './x509.js'

/** File names inside the TLS directory. */
export const LOCAL_TLS_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
} as const

/** Certificates are renewed when they expire within this many days. */
export const RENEW_BEFORE_DAYS = 30

const DAY_MS = 86_400_000
const PRIVATE_MODE = 0o600
const PUBLIC_MODE = 0o644

/** Where {@link ensureLocalTls} left the files, and what it had to create. */
export interface LocalTls {
  /** Server certificate followed by the CA certificate (the chain the server presents). */
  certPath: string
  /** Server private key, PKCS #8 PEM, mode 0600. */
  keyPath: string
  /** CA certificate: what clients trust (`AWS_CA_BUNDLE`). */
  caPath: string
  /** What this call generated: a new CA (and so a new server certificate), or only the latter. */
  created: { ca: boolean; server: boolean }
}

/** Options of {@link ensureLocalTls}. */
export interface EnsureLocalTlsOptions {
  /** The current instant in epoch milliseconds; defaults to the current time. */
  now?: number | undefined
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new LanyardError('config.invalid', `cannot read tls file \`${path}\``, { cause: err })
  }
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem)
  } catch {
    return undefined
  }
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({
      type: 'spki',
      format: 'der',
    })
    return fromKey.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))
  } catch {
    return false
  }
}

/** Valid now and for longer than the renewal window. */
function fresh(pem: string, now: number): boolean {
  const cert = new x509.X509Certificate(pem)
  return (
    cert.notBefore.getTime() <= now && cert.notAfter.getTime() - now > RENEW_BEFORE_DAYS * DAY_MS
  )
}

function coversAll(cert: X509Certificate, sans: readonly SanEntry[]): boolean {
  return sans.every((san) =>
    san.type === 'ip'
      ? cert.checkIP(san.value) !== undefined
      : cert.checkHost(san.value, { subject: 'never', wildcards: false }) !== undefined,
  )
}

async function usableCa(certPem: string, keyPem: string, now: number): Promise<boolean> {
  const cert = parseCertificate(certPem)
  if (cert === undefined || !cert.ca || !keyMatches(cert, keyPem) || !fresh(certPem, now)) {
    return false
  }
  try {
    await importCaKey(keyPem)
    return true
  } catch {
    // Not an ECDSA P-256 PKCS #8 key, so we could not sign with it.
    return false
  }
}

function usableServer(
  chainPem: string | undefined,
  keyPem: string | undefined,
  caPem: string,
  sans: readonly SanEntry[],
  now: number,
): boolean {
  if (chainPem === undefined || keyPem === undefined) return false
  const leaf = parseCertificate(chainPem)
  const ca = new X509Certificate(caPem)
  if (leaf === undefined || leaf.ca) return false
  // The file must hold exactly the leaf and this CA, so the server presents the chain we expect.
  let chain: ArrayBuffer[]
  try {
    chain = x509.PemConverter.decode(chainPem)
  } catch {
    return false
  }
  if (chain.length !== 2 || !ca.raw.equals(Buffer.from(chain[1] ?? new ArrayBuffer(0)))) {
    return false
  }
  return (
    leaf.checkIssued(ca) &&
    leaf.verify(ca.publicKey) &&
    keyMatches(leaf, keyPem) &&
    fresh(leaf.toString(), now) &&
    coversAll(leaf, sans)
  )
}

/**
 * Makes sure `dir` holds a local CA and a server certificate for `hostnames` (plus `localhost`,
 * `127.0.0.1` and `::1`), for `lanyard up --tls auto`.
 *
 * The first call creates an ECDSA P-256 CA (ten years) and a server certificate it signs (825
 * days, `serverAuth`). Later calls reuse both; the server certificate alone is re-issued, under
 * the same CA, when it lacks a requested name, expires within 30 days, does not match its key or
 * was not issued by the CA. The CA is replaced only when it is unusable (missing, not matching
 * its key, or itself expiring within 30 days) — clients must then trust the new one.
 *
 * Private keys are written with mode 0600, certificates 0644, each atomically (temporary file and
 * rename). The certificate file holds the server certificate followed by the CA certificate, so
 * the server presents the whole chain and the issuer thumbprint IAM stores is the CA's — stable
 * across server certificate renewals.
 *
 * @example
 * const { certPath, keyPath, caPath } = await ensureLocalTls('.lanyard/tls', ['lanyard.local'])
 */
export async function ensureLocalTls(
  dir: string,
  hostnames: readonly string[],
  options: EnsureLocalTlsOptions = {},
): Promise<LocalTls> {
  const now = options.now ?? Date.now()
  const sans = toSanEntries(hostnames)
  const paths = {
    caCert: join(dir, LOCAL_TLS_FILES.caCert),
    caKey: join(dir, LOCAL_TLS_FILES.caKey),
    serverCert: join(dir, LOCAL_TLS_FILES.serverCert),
    serverKey: join(dir, LOCAL_TLS_FILES.serverKey),
  }
  await mkdir(dir, { recursive: true, mode: 0o700 })

  let caCertPem = await readOptional(paths.caCert)
  let caKeyPem = await readOptional(paths.caKey)
  const created = { ca: false, server: false }
  if (
    caCertPem === undefined ||
    caKeyPem === undefined ||
    !(await usableCa(caCertPem, caKeyPem, now))
  ) {
    const ca = await createLocalCa(now)
    caCertPem = ca.certPem
    caKeyPem = ca.keyPem
    // Key first: a crash between the writes leaves a key/cert mismatch, which the next call
    // detects and repairs, never a certificate whose key was lost.
    await writeFileAtomic(paths.caKey, caKeyPem, PRIVATE_MODE)
    await writeFileAtomic(paths.caCert, caCertPem, PUBLIC_MODE)
    created.ca = true
  }

  const serverCertPem = created.ca ? undefined : await readOptional(paths.serverCert)
  const serverKeyPem = created.ca ? undefined : await readOptional(paths.serverKey)
  if (!usableServer(serverCertPem, serverKeyPem, caCertPem, sans, now)) {
    const server = await createServerCertificate(
      { certPem: caCertPem, key: await importCaKey(caKeyPem) },
      sans,
      now,
    )
    await writeFileAtomic(paths.serverKey, server.keyPem, PRIVATE_MODE)
    const chain = `${server.certPem.trim()}\n${caCertPem.trim()}\n`
    await writeFileAtomic(paths.serverCert, chain, PUBLIC_MODE)
    created.server = true
  }

  return { certPath: paths.serverCert, keyPath: paths.serverKey, caPath: paths.caCert, created }
}
