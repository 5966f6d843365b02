import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'

/** smithy's hash constructor: a secret makes it an HMAC. */
const sha256 = class {
  private readonly h: { update(data: string | Uint8Array): unknown; digest(): Buffer }
  constructor(secret?: string | Uint8Array | unknown) {
    this.h =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', secret as string | Uint8Array)
  }
  update(data: string | Uint8Array) {
    this.h.update(data)
  }
  async digest() {
    return new Uint8Array(this.h.digest())
  }
}

export interface RawReply {
  status: number
  headers: Headers
  body: string
}

/** Sends a request signed by an independent SigV4 implementation (smithy's), for raw wire tests. */
export async function signedFetch(options: {
  url: string
  service: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  method?: string
  path?: string
  body?: string
  headers?: Record<string, string>
  query?: Record<string, string>
  /** Change the request after signing (to test that the signature covers it). */
  tamper?: (r: { headers: Record<string, string>; body: string }) => void
}): Promise<RawReply> {
  const url = new URL(options.url)
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256,
  })
  const body = options.body ?? ''
  const signed = await signer.sign({
    method: options.method ?? 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path ?? '/',
    query: options.query ?? {},
    headers: {
      host: url.host,
      'content-type': 'application/x-www-form-urlencoded',
      ...options.headers,
    },
    body,
  })
  const r = { headers: { ...(signed.headers as Record<string, string>) }, body }
  options.tamper?.(r)
  const qs = new URLSearchParams(options.query ?? {}).toString()
  const res = await fetch(`${options.url}${options.path ?? '/'}${qs ? `?${qs}` : ''}`, {
    method: options.method ?? 'POST',
    headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'host')),
    ...(options.method === 'GET' || options.method === 'DELETE' ? {} : { body: r.body }),
  })
  return { status: res.status, headers: res.headers, body: await res.text() }
}

/** The `<Code>` of an awsQuery error body. */
export const errorCode = (xml: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1]

/** The decoded `<Message>` of an awsQuery error body. */
export const errorMessage = (xml: string): string | undefined => {
  const raw = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1]
  return raw
    ?.replaceAll('&apos;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}
