/** The IAM OIDC provider URL of Google, whose audience keys AWS sets its own way. */
const GOOGLE = 'accounts.google.com'

/**
 * The condition keys a web-identity token gives the trust policy (reference_policies_iam-
 * condition-keys), written into `values`: `<url>:sub`, `<url>:aud` (the audience that
 * matched), `<url>:azp`, `<url>:amr` (multivalued). For Google, `:aud` is the authorized party
 * (`azp`) when the token has one, and `:oaud` the token's own audience.
 */
export function writeWebIdentityKeys(
  values: Record<string, string | string[]>,
  url: string,
  token: { subject: string; audience: string; claims: Readonly<Record<string, unknown>> },
): void {
  const { azp, amr } = token.claims
  values[`${url}:sub`] = token.subject
  values[`${url}:aud`] = token.audience
  if (typeof azp === 'string') values[`${url}:azp`] = azp
  if (url === GOOGLE) {
    if (typeof azp === 'string') values[`${url}:aud`] = azp
    values[`${url}:oaud`] = token.audience
  }
  if (Array.isArray(amr))
    values[`${url}:amr`] = amr.filter((v): v is string => typeof v === 'string')
  else if (typeof amr === 'string') values[`${url}:amr`] = [amr]
}
