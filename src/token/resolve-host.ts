import { lookup } from 'node:dns/promises'

/** Every address the system resolver gives for `hostname`, as a connection would see them. */
export async function resolveHostWithSystemResolver(hostname: string): Promise<string[]> {
  const results = await lookup(hostname, { all: true, verbatim: true })
  return results.map((r) => r.address)
}
