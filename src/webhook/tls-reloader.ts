import { readFileSync, statSync } from 'node:fs'
import { createSecureContext, type SecureContextOptions } from 'node:tls'
import { LanyardError } from '../errors.js'

/** Where the serving certificate and key are read from. */
export interface TlsFiles {
  /** PEM certificate chain (`--tls-cert`). */
  certFile: string
  /** PEM private key (`--tls-key`). */
  keyFile: string
}

/** Reads the files on demand and tells when they changed. */
export interface TlsReloader {
  /** The current key pair; throws `config.invalid` when it cannot be read or does not match. */
  load(): SecureContextOptions
  /**
   * The new key pair when the files changed since the last successful load, `undefined` when they
   * did not; throws (keeping the previous pair in force) when they changed into something unusable,
   * such as a certificate whose key is not written yet.
   */
  changed(): SecureContextOptions | undefined
}

/**
 * Size, modification time and inode of both files. A Kubernetes Secret volume swaps a symlink
 * (`..data`) when the Secret changes; `stat` follows it, so the inode changes with it.
 */
function stampOf(files: TlsFiles): string {
  return [files.certFile, files.keyFile]
    .map((f) => {
      const s = statSync(f)
      return `${s.ino}:${s.size}:${s.mtimeMs}`
    })
    .join('|')
}

/**
 * Watches a certificate and key by stamp (checked cheaply, e.g. once per new TLS connection), so
 * a renewed certificate — cert-manager, a rotated Secret, `lanyard` re-issuing it — is served
 * without a restart. The pair is checked with `tls.createSecureContext` before it is used.
 */
export function createTlsReloader(files: TlsFiles): TlsReloader {
  let stamp: string | undefined
  const read = (): SecureContextOptions => {
    let options: SecureContextOptions
    try {
      options = { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }
      // Throws on a key that does not match the certificate, or PEM that does not parse.
      createSecureContext(options)
    } catch (err) {
      throw new LanyardError(
        'config.invalid',
        `cannot use tls certificate \`${files.certFile}\` with key \`${files.keyFile}\``,
        { cause: err },
      )
    }
    return options
  }
  return {
    load() {
      const before = stampOf(files)
      const options = read()
      stamp = before
      return options
    },
    changed() {
      let now: string
      try {
        now = stampOf(files)
      } catch (err) {
        // A file missing for a moment (being replaced): keep serving the previous pair.
        throw new LanyardError('config.invalid', `cannot read tls file: ${(err as Error).message}`)
      }
      if (now === stamp) return undefined
      const options = read()
      stamp = now
      return options
    },
  }
}
