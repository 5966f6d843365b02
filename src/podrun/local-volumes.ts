import { posix } from 'node:path'
import { LanyardError } from '../errors.js'
import type { Container, Pod } from '../webhook/types.js'

/** A `serviceAccountToken` source of a projected volume: one token file kubelet keeps fresh. */
export interface ProjectedTokenFile {
  /** The volume's name. */
  volume: string
  /** The file's path inside the volume (`path` of the source). */
  path: string
  /** `undefined`: the API server's own audiences (kube-apiserver `--api-audiences`). */
  audience: string | undefined
  expirationSeconds: number
}

/** Where a path of the container's file system lives on this machine. */
export interface MountMapping {
  mountPath: string
  localPath: string
}

/** core/v1 `ServiceAccountTokenProjection.expirationSeconds` default (one hour). */
export const DEFAULT_PROJECTED_EXPIRATION = 3600
/** core/v1 validation: "must be at least 10 minutes" and "must not be greater than 2^32 seconds". */
const MIN_EXPIRATION = 600
const MAX_EXPIRATION = 2 ** 32

const invalid = (message: string): never => {
  throw new LanyardError('request.invalid', message)
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** core/v1 validation of a projected `path` and a `subPath`: relative, no `..` element. */
function relativePath(value: unknown, what: string): string {
  if (
    typeof value !== 'string' ||
    value === '' ||
    value.startsWith('/') ||
    value.split('/').includes('..')
  ) {
    return invalid(`${what} \`${String(value)}\` must be a relative path without \`..\``)
  }
  return value
}

/**
 * The token files of the Pod's projected volumes (the one the webhook added, and any the Pod
 * declares itself), plus notices for projected sources a local run cannot provide.
 */
export function projectedTokenFiles(pod: Pod): { files: ProjectedTokenFile[]; notices: string[] } {
  const files: ProjectedTokenFile[] = []
  const notices: string[] = []
  for (const volume of Array.isArray(pod.spec.volumes) ? pod.spec.volumes : []) {
    const projected = volume.projected
    if (!isObject(projected) || !Array.isArray(projected.sources)) continue
    for (const source of projected.sources as unknown[]) {
      if (!isObject(source)) continue
      const token = source.serviceAccountToken
      if (!isObject(token)) {
        const kinds = Object.keys(source).join(', ')
        notices.push(
          `projected source \`${kinds}\` of volume \`${volume.name}\` is not available locally`,
        )
        continue
      }
      const expiration = token.expirationSeconds ?? DEFAULT_PROJECTED_EXPIRATION
      if (
        typeof expiration !== 'number' ||
        !Number.isInteger(expiration) ||
        expiration < MIN_EXPIRATION ||
        expiration > MAX_EXPIRATION
      ) {
        invalid(
          `expirationSeconds \`${String(expiration)}\` of volume \`${volume.name}\` must be a whole number from 600 to 4294967296`,
        )
      }
      const audience = token.audience
      if (audience !== undefined && audience !== null && typeof audience !== 'string') {
        invalid(`audience of volume \`${volume.name}\` must be a string`)
      }
      files.push({
        volume: volume.name,
        path: posix.normalize(relativePath(token.path, `path of volume \`${volume.name}\``)),
        audience: typeof audience === 'string' && audience !== '' ? audience : undefined,
        expirationSeconds: expiration as number,
      })
    }
  }
  return { files, notices }
}

/**
 * A container's mounts of the local token volumes (`volumeDirs`: volume name → directory), and
 * notices for the mounts that have no local stand-in.
 */
export function containerMounts(
  container: Container,
  volumeDirs: ReadonlyMap<string, string>,
): { mappings: MountMapping[]; notices: string[] } {
  const mappings: MountMapping[] = []
  const notices: string[] = []
  for (const mount of Array.isArray(container.volumeMounts) ? container.volumeMounts : []) {
    const dir = volumeDirs.get(mount.name)
    const mountPath = typeof mount.mountPath === 'string' ? mount.mountPath : ''
    if (dir === undefined) {
      notices.push(
        `volume \`${mount.name}\` (mounted at \`${mountPath}\` in container \`${container.name}\`) is not available locally`,
      )
      continue
    }
    if (!mountPath.startsWith('/')) {
      invalid(`mountPath \`${mountPath}\` of container \`${container.name}\` must be absolute`)
    }
    const subPath = mount.subPath
    const localPath =
      subPath === undefined || subPath === ''
        ? dir
        : posix.join(dir, relativePath(subPath, `subPath of mount \`${mount.name}\``))
    mappings.push({ mountPath: posix.normalize(mountPath).replace(/(.)\/$/, '$1'), localPath })
  }
  return { mappings, notices }
}

/**
 * `value` with a container path under one of the mounts rewritten to its local directory (the
 * longest mount wins, as the deepest mount shadows the others); other values unchanged.
 */
export function remapPath(value: string, mappings: readonly MountMapping[]): string {
  let best: MountMapping | undefined
  for (const m of mappings) {
    const inside =
      value === m.mountPath || value.startsWith(m.mountPath === '/' ? '/' : `${m.mountPath}/`)
    if (inside && (!best || m.mountPath.length > best.mountPath.length)) best = m
  }
  if (!best) return value
  return best.localPath + value.slice(best.mountPath === '/' ? 0 : best.mountPath.length)
}
