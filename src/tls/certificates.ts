import { randomBytes, webcrypto } from 'node:crypto'
import type { SanEntry } from './hostnames.js'
import { x509 } from './x509.js'

type CryptoKey = webcrypto.CryptoKey

const DAY_MS = 86_400_000
/** Local CA lifetime: ten years. */
export const CA_VALIDITY_DAYS = 3650
/**
 * Server certificate lifetime: 825 days, the longest Apple platforms accept for a TLS server
 * certificate (Apple "Requirements for trusted certificates in iOS 13 and macOS 10.15").
 */
export const SERVER_VALIDITY_DAYS = 825
// Start validity an hour early so a client whose clock is a little behind still accepts it.
const BACKDATE_MS = 3_600_000

// ECDSA P-256 with SHA-256: small keys, fast to generate, accepted by Node, OpenSSL-based
// clients (botocore) and browsers.
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGNING_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

/** A certificate with its PKCS #8 private key, both PEM. */
export interface PemPair {
  certPem: string
  keyPem: string
}

/** A positive serial of 16 random bytes (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01
  return bytes.toString('hex')
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
}

interface CryptoKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

/** Imports a PKCS #8 PEM ECDSA P-256 private key for signing; throws if it is anything else. */
export async function importCaKey(keyPem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(keyPem)
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign'])
}

/**
 * A self-signed local CA: `CA:TRUE, pathlen:0` and `keyCertSign, cRLSign`, both critical
 * (RFC 5280 §4.2.1.9, §4.2.1.3), valid ten years from `now` (less an hour).
 */
export async function createLocalCa(now: number): Promise<PemPair> {
  const keys = await generateKeys()
  const notBefore = new Date(now - BACKDATE_MS)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    // A distinct name per CA, so several local CAs in one trust store can be told apart.
    name: `CN=Lanyard local CA ${randomBytes(4).toString('hex')}, O=Lanyard`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) }
}

/**
 * A TLS server certificate signed by the local CA: `CA:FALSE`, `digitalSignature` (the only key
 * usage an ECDSA TLS key needs), extended key usage `serverAuth`, and the given subject
 * alternative names. The SAN is what clients match: RFC 6125 §6.4.4 forbids falling back to the
 * common name when DNS names are present, and Chrome never reads it.
 */
export async function createServerCertificate(
  ca: { certPem: string; key: CryptoKey },
  sans: readonly SanEntry[],
  now: number,
): Promise<PemPair> {
  const keys = await generateKeys()
  const caCert = new x509.X509Certificate(ca.certPem)
  const notBefore = new Date(now - BACKDATE_MS)
  const firstDns = sans.find((san) => san.type === 'dns')?.value ?? 'localhost'
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${firstDns}`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        sans.map((san) => ({ type: san.type, value: san.value })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) }
}
