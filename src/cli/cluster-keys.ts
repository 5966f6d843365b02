import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
} from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { JWK } from 'jose'
import { toAuditRecord } from '../audit/writer.js'
import { DATABASE_FILE, writeSecretFile } from '../bootstrap/data-dir.js'
import { LanyardError } from '../errors.js'
import { isoSeconds } from '../iso-time.js'
import { importSigningKey, type SigningKey } from '../oidc/index.js'
import type { ClusterRecord, StoreTx } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { clientContext } from './context.js'

/** The two PEM files kube-apiserver takes for service-account tokens. */
export interface SigningKeyPems {
  /** PKCS #8 `PRIVATE KEY`: `--service-account-signing-key-file`. */
  privateKeyPem: string
  /** SPKI `PUBLIC KEY`: `--service-account-key-file`. */
  publicKeyPem: string
}

/** Converts a private RSA JWK to the PEM pair kube-apiserver reads. */
export function signingKeyPems(privateJwk: JWK): SigningKeyPems {
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' })
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string,
  }
}

/**
 * The `kid` kube-apiserver puts in the header of every token it signs with this key:
 * base64url(SHA-256(DER SubjectPublicKeyInfo)) — `keyIDFromPublicKey` in
 * kubernetes/pkg/serviceaccount/jwt.go (k8s PR #78502). Lanyard's own `kid` is the RFC 7638
 * thumbprint, which is a different string for the same key.
 */
export function kubernetesKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('base64url')
}

/**
 * Reads an RSA private key PEM — PKCS #1 (`RSA PRIVATE KEY`, what kubeadm writes to
 * `/etc/kubernetes/pki/sa.key`) or PKCS #8 (`PRIVATE KEY`) — into a private JWK. Refuses public
 * keys, encrypted keys and non-RSA keys: Lanyard's issuers sign RS256 only.
 */
export function privateJwkFromPem(pem: string): JWK {
  if (/-----BEGIN (RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new LanyardError(
      'request.invalid',
      'the file holds a public key or certificate: import needs the private key kube-apiserver signs with (`--service-account-signing-key-file`); for a public key only, upload a JWKS with `lanyard oidc-provider set-jwks`',
    )
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new LanyardError('request.invalid', 'the private key is encrypted: decrypt it first')
  }
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: 'pem' })
  } catch (err) {
    throw new LanyardError('request.invalid', 'the file is not a PEM private key', { cause: err })
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new LanyardError(
      'request.invalid',
      `the key is \`${key.asymmetricKeyType ?? 'unknown'}\`, not RSA: Lanyard's issuers sign RS256 only`,
    )
  }
  return key.export({ format: 'jwk' }) as JWK
}

interface KeyCommandOptions {
  cluster: string
  dataDir?: string | undefined
  /** Progress and instructions, one line at a time (never key material). */
  print: (line: string) => void
  now?: () => number
}

/** Options of {@link exportClusterSigningKey}. */
export interface ExportSigningKeyOptions extends KeyCommandOptions {
  /**
   * Private key file (written 0600, atomically; missing directories are made 0700); absent: the
   * PEM goes to `write`.
   */
  out?: string | undefined
  /** Public key file; default `--out` with `.key`/`.pem` replaced by `.pub`. */
  publicOut?: string | undefined
  /** Receives the private key PEM when `out` is absent (stdout in the CLI). */
  write: (pem: string) => void
}

/** What {@link exportClusterSigningKey} and {@link importClusterSigningKey} did. */
export interface SigningKeyResult {
  /** Lanyard's `kid` (RFC 7638), as published in the cluster's JWKS. */
  kid: string
  /** The `kid` kube-apiserver will put in the tokens it signs with this key. */
  kubernetesKid: string
  privateKeyFile?: string
  publicKeyFile?: string
}

function publicPathFor(out: string): string {
  return /\.(key|pem)$/.test(out) ? out.replace(/\.(key|pem)$/, '.pub') : `${out}.pub`
}

async function withStore<T>(
  dataDir: string | undefined,
  fn: (tx: StoreTx, ctx: { region: string }) => Promise<T>,
): Promise<T> {
  const ctx = clientContext(dataDir)
  const store = openSqliteStore(join(ctx.config.dataDir, DATABASE_FILE))
  try {
    return await store.transaction((tx) => fn(tx, { region: ctx.config.region }))
  } finally {
    await store.close()
  }
}

async function clusterOf(tx: StoreTx, name: string): Promise<ClusterRecord> {
  const c = await tx.clusters.get(name)
  if (!c) throw new LanyardError('entity.not_found', `No cluster found for name: ${name}.`)
  return c
}

// Handing out or adding an issuer key is as sensitive as any IAM write: it is audited like one.
async function audit(
  tx: StoreTx,
  region: string,
  now: number,
  eventName: string,
  requestParameters: Record<string, unknown>,
): Promise<void> {
  const account = JSON.parse((await tx.meta.get('account')) ?? '{}') as { accountId?: string }
  await tx.audit.insertMany([
    toAuditRecord({
      eventVersion: '1.08',
      userIdentity: { type: 'Root', accountId: account.accountId ?? '' },
      eventTime: isoSeconds(now),
      eventSource: 'lanyard',
      eventName,
      awsRegion: region,
      sourceIPAddress: 'local',
      requestParameters,
      responseElements: null,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: eventName.startsWith('Export'),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account.accountId ?? '',
      eventCategory: 'Management',
    }),
  ])
}

/**
 * `lanyard cluster export-signing-key`: the private key the cluster's issuer signs with (the
 * newest active key) as PKCS #8 PEM, for kube-apiserver's `--service-account-signing-key-file`,
 * plus its public key for `--service-account-key-file`. The export is audited.
 */
export async function exportClusterSigningKey(
  options: ExportSigningKeyOptions,
): Promise<SigningKeyResult> {
  const now = (options.now ?? Date.now)()
  const key = await withStore(options.dataDir, async (tx, ctx) => {
    await clusterOf(tx, options.cluster)
    const records = await tx.signingKeys.listForCluster(options.cluster)
    const active = records.filter((r) => r.active).at(-1)
    if (!active) {
      throw new LanyardError(
        'entity.not_found',
        `cluster \`${options.cluster}\` has no active signing key`,
      )
    }
    const k = await importSigningKey(JSON.parse(active.privateJwk) as JWK, {
      createdAt: active.createdAt,
    })
    await audit(tx, ctx.region, now, 'ExportClusterSigningKey', {
      clusterName: options.cluster,
      kid: k.kid,
    })
    return k
  })
  const pems = signingKeyPems(key.privateJwk)
  const result: SigningKeyResult = {
    kid: key.kid,
    kubernetesKid: kubernetesKeyId(createPublicKey(pems.publicKeyPem)),
  }
  if (options.out === undefined) {
    options.write(pems.privateKeyPem)
  } else {
    const publicOut = options.publicOut ?? publicPathFor(options.out)
    mkdirSync(dirname(options.out), { recursive: true, mode: 0o700 })
    mkdirSync(dirname(publicOut), { recursive: true })
    writeSecretFile(options.out, pems.privateKeyPem)
    writeFileSync(publicOut, pems.publicKeyPem, { mode: 0o644 })
    result.privateKeyFile = options.out
    result.publicKeyFile = publicOut
    options.print(
      `wrote the private key to ${options.out} (mode 0600) and the public key to ${publicOut}`,
    )
    options.print('kube-apiserver flags:')
    options.print(`  --service-account-signing-key-file=${options.out}`)
    options.print(`  --service-account-key-file=${publicOut}`)
  }
  options.print(`key id in Lanyard's JWKS: ${result.kid}`)
  options.print(`key id kube-apiserver will sign with: ${result.kubernetesKid}`)
  return result
}

/** Options of {@link importClusterSigningKey}. */
export interface ImportSigningKeyFileOptions extends KeyCommandOptions {
  /** PEM file with the RSA private key (PKCS #1 or PKCS #8). */
  file: string
  /**
   * Also make Lanyard sign its own tokens (`lanyard token create`, `lanyard pod run`) with this
   * key. Without it the key is only published in the cluster's JWKS.
   */
  activate?: boolean | undefined
}

/**
 * `lanyard cluster import-signing-key`: adds an existing RSA key — typically the one a
 * kube-apiserver already signs with — to a cluster's issuer, so its JWKS publishes the public
 * half and tokens signed with it verify. Idempotent for a key that is already there. Audited.
 */
export async function importClusterSigningKey(
  options: ImportSigningKeyFileOptions,
): Promise<SigningKeyResult & { added: boolean; active: boolean }> {
  let pem: string
  try {
    pem = readFileSync(options.file, 'utf8')
  } catch (err) {
    throw new LanyardError('request.invalid', `\`${options.file}\` is not a readable file`, {
      cause: err,
    })
  }
  const now = (options.now ?? Date.now)()
  const key: SigningKey = await importSigningKey(privateJwkFromPem(pem), {
    createdAt: new Date(now).toISOString(),
  })
  const active = options.activate === true
  const { added, active: isActive } = await withStore(options.dataDir, async (tx, ctx) => {
    await clusterOf(tx, options.cluster)
    const existing = (await tx.signingKeys.listForCluster(options.cluster)).find(
      (r) => r.kid === key.kid,
    )
    if (existing) return { added: false, active: existing.active }
    await tx.signingKeys.insert({
      clusterName: options.cluster,
      kid: key.kid,
      privateJwk: JSON.stringify(key.privateJwk),
      createdAt: key.createdAt,
      active,
    })
    await audit(tx, ctx.region, now, 'ImportClusterSigningKey', {
      clusterName: options.cluster,
      kid: key.kid,
      active,
    })
    return { added: true, active }
  })
  const kubernetesKid = kubernetesKeyId(
    createPublicKey(signingKeyPems(key.privateJwk).publicKeyPem),
  )
  options.print(
    added
      ? `added key ${key.kid} to cluster ${options.cluster}${active ? ' (Lanyard now signs with it)' : ' (published in the JWKS; Lanyard keeps signing with its own key)'}`
      : `cluster ${options.cluster} already has key ${key.kid}: nothing changed`,
  )
  options.print(`key id kube-apiserver signs with: ${kubernetesKid}`)
  if (added) options.print('a running `lanyard up` serves the new key within 5 seconds')
  return { kid: key.kid, kubernetesKid, added, active: isActive }
}
