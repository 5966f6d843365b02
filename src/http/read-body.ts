import type { IncomingMessage } from 'node:http'
import { LanyardError } from '../errors.js'

/** Reads the whole body, refusing more than `limit` bytes (XML-02) without buffering the excess. */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > limit) {
    req.resume()
    return Promise.reject(
      new LanyardError('request.too_large', `the request body exceeds ${limit} bytes`),
    )
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        reject(new LanyardError('request.too_large', `the request body exceeds ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    )
    req.on('error', reject)
  })
}
