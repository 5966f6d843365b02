import { LanyardError } from '../errors.js'
import type { ContainerCredentialsConfig } from './webhook-config.js'

/**
 * Reads the container-credentials config file upstream watches
 * (`--watch-container-credentials-config`): `{"identities":[{"namespace":…,"serviceAccount":…}]}`.
 * An empty file means no identities, as upstream (`FileConfig.Load`). Throws `config.invalid`.
 */
export function parseContainerCredentialsIdentities(
  text: string,
): ContainerCredentialsConfig['identities'] {
  if (text.trim() === '') return []
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new LanyardError('config.invalid', 'container credentials config is not valid json')
  }
  const identities = (value as { identities?: unknown } | null)?.identities
  if (identities === undefined || identities === null) return []
  if (!Array.isArray(identities)) {
    throw new LanyardError('config.invalid', 'container credentials `identities` is not an array')
  }
  return identities.map((item: unknown, i) => {
    const { namespace, serviceAccount } = (item ?? {}) as Record<string, unknown>
    if (typeof namespace !== 'string' || typeof serviceAccount !== 'string') {
      throw new LanyardError(
        'config.invalid',
        `container credentials identity ${i} needs string \`namespace\` and \`serviceAccount\``,
      )
    }
    return { namespace, serviceAccount }
  })
}
