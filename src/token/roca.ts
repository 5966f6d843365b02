/**
 * ROCA (CVE-2017-15361, Nemec et al., CCS 2017): Infineon RSALib moduli have the form
 * n = k·M + (65537^a mod M), M a primorial of at least the first 39 primes, so for every such
 * prime p the residue n mod p lies in the subgroup 65537 generates modulo p. A random modulus
 * passes all 38 odd-prime checks with negligible probability. Such keys are factorable, so a
 * JWKS member that has the fingerprint is refused (JWT-18, Wycheproof `json_web_key_test.json`
 * tc 7). This is a key-quality check on public data, not a cryptographic primitive.
 */
const PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
  103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
]

const SUBGROUPS: readonly (readonly [bigint, ReadonlySet<number>])[] = PRIMES.map((p) => {
  const members = new Set<number>()
  const g = 65537 % p
  let x = 1
  do {
    members.add(x)
    x = (x * g) % p
  } while (x !== 1)
  return [BigInt(p), members] as const
})

/** True when the RSA modulus has the ROCA fingerprint. */
export function hasRocaFingerprint(modulus: bigint): boolean {
  for (const [p, members] of SUBGROUPS) {
    if (!members.has(Number(modulus % p))) return false
  }
  return true
}
