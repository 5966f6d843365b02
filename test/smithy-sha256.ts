import { createHash, createHmac } from 'node:crypto'

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data)
}

/**
 * `node:crypto` behind the hash contract of the AWS SDK's signer (`@smithy/signature-v4`'s
 * `sha256` option): `new NodeSha256(secret?)` is HMAC-SHA256 when given a secret, SHA-256
 * otherwise. For the tests and benchmarks that sign requests with the SDK's own signer.
 */
export class NodeSha256 {
  readonly #h
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#h =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : toBytes(secret))
  }
  update(data: string | Uint8Array): void {
    this.#h.update(data)
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest())
  }
  reset(): void {}
}
