import { readFirstCsvRecord } from './go-csv.js'
import { joinGoPath } from './go-filepath.js'
import { parseGoInt64 } from './go-strconv.js'
import type { MutationMethod } from './metrics.js'
import {
  annotation,
  POD_ANNOTATIONS,
  readServiceAccountSettings,
} from './service-account-settings.js'
import type { Container, EnvVar, JsonPatchOp, Pod, ServiceAccountInfo } from './types.js'
import {
  clampTokenExpiration,
  DEFAULT_MIN_TOKEN_EXPIRATION,
  DEFAULT_TOKEN_EXPIRATION,
  POD_IDENTITY_LABEL,
  TOKEN_FILE_NAME,
  TOKEN_VOLUME_NAME,
  type WebhookConfig,
} from './webhook-config.js'

/** Environment variable names the mutation writes or looks for. */
export const AWS_ENV = {
  roleArn: 'AWS_ROLE_ARN',
  webIdentityTokenFile: 'AWS_WEB_IDENTITY_TOKEN_FILE',
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  stsRegionalEndpoints: 'AWS_STS_REGIONAL_ENDPOINTS',
  endpointUrlSts: 'AWS_ENDPOINT_URL_STS',
  containerCredentialsFullUri: 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  containerAuthorizationTokenFile: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
} as const

/** Input of {@link mutatePod}. */
export interface MutatePodInput {
  /** The Pod being created, as the API server sent it. */
  pod: Pod
  /** The ServiceAccount the Pod names, or `undefined` when it does not exist. */
  serviceAccount: ServiceAccountInfo | undefined
  config: WebhookConfig
  /**
   * The namespace of the Pod: the AdmissionReview's `request.namespace` (a Pod created with
   * `generateName` may carry none). Defaults to `metadata.namespace`, then the ServiceAccount's.
   */
  namespace?: string | undefined
  /**
   * `n` → an integer in [0, n): the jitter of the default lifetime in container-credentials mode
   * (upstream `addJitterToDefaultToken`). Defaults to `Math.random`.
   */
  randomInt?: ((n: number) => number) | undefined
}

/** Why {@link mutatePod} returned no patch. */
export type MutateSkipReason = 'no-service-account' | 'not-annotated' | 'up-to-date'

/** Output of {@link mutatePod}. */
export interface MutatePodResult {
  /** RFC 6902 operations, all `add`; empty when nothing needs to change. */
  patch: JsonPatchOp[]
  /** True when `patch` changes the Pod. */
  mutated: boolean
  skippedReason?: MutateSkipReason
  /** How credentials are provided, when the Pod qualifies at all. */
  method?: MutationMethod
  /** The role the Pod gets (web-identity mode). */
  roleArn?: string
  /** The audience of the projected token. */
  audience?: string
  /** Things a person should know about the result (the Pod is still admitted). */
  warnings: string[]
}

/** The name of the ServiceAccount a Pod runs as: `default` when the spec leaves it empty. */
export function podServiceAccountName(pod: Pod): string {
  const name = pod.spec.serviceAccountName
  // The ServiceAccount admission plugin fills this before webhooks run; the fallback is the same.
  return typeof name === 'string' && name !== '' ? name : 'default'
}

interface PatchPlan {
  skip: ReadonlySet<string>
  tokenExpiration: number
  useRegionalSts: boolean
  audience: string
  mountPath: string
  volumeName: string
  tokenPath: string
  region: string
  webIdentity?: { roleArn: string; stsEndpointUrl: string | undefined }
  containerCredentials?: { fullUri: string }
}

/** Upstream `parsePodAnnotations`: the Pod's lifetime override and the containers to skip. */
function readPodAnnotations(
  pod: Pod,
  config: WebhookConfig,
  fallbackExpiration: number,
): { tokenExpiration: number; skip: Set<string> } {
  const annotations = pod.metadata?.annotations
  const value = (name: string) => annotation(annotations, `${config.annotationPrefix}/${name}`)
  const expiration = value(POD_ANNOTATIONS.tokenExpiration)
  const parsed = expiration === undefined ? undefined : parseGoInt64(expiration)
  const skipCsv = value(POD_ANNOTATIONS.skipContainers)
  // An unparsable list skips nothing, as upstream.
  const skip = new Set(skipCsv === undefined ? [] : (readFirstCsvRecord(skipCsv) ?? []))
  return {
    tokenExpiration: parsed === undefined ? fallbackExpiration : clampTokenExpiration(parsed),
    skip,
  }
}

/** Upstream `buildPodPatchConfig`: container credentials first, then the role annotation. */
function planPatch(
  input: MutatePodInput,
  namespace: string,
): { plan: PatchPlan; method: MutationMethod; warnings: string[] } | MutateSkipReason {
  const { pod, serviceAccount, config } = input
  const saName = serviceAccount?.name ?? podServiceAccountName(pod)
  const cc = config.containerCredentials
  const sa = serviceAccount ? readServiceAccountSettings(serviceAccount, config) : undefined

  if (cc?.identities.some((i) => i.namespace === namespace && i.serviceAccount === saName)) {
    // Upstream `GetCommonConfigurations`: the SA's settings when it is known, else fixed defaults.
    const pod_ = readPodAnnotations(pod, config, sa?.tokenExpiration ?? DEFAULT_TOKEN_EXPIRATION)
    let tokenExpiration = pod_.tokenExpiration
    if (tokenExpiration === DEFAULT_TOKEN_EXPIRATION) {
      // Spread refreshes of Pod Identity tokens over 22 … 24 h (upstream addJitterToDefaultToken).
      const random = input.randomInt ?? ((n: number) => Math.floor(Math.random() * n))
      const span = DEFAULT_TOKEN_EXPIRATION - DEFAULT_MIN_TOKEN_EXPIRATION + 1
      tokenExpiration = DEFAULT_MIN_TOKEN_EXPIRATION + random(span)
    }
    return {
      method: 'container_credentials',
      warnings: [],
      plan: {
        skip: pod_.skip,
        tokenExpiration,
        useRegionalSts: sa?.useRegionalSts ?? false,
        audience: cc.audience,
        mountPath: cc.mountPath,
        volumeName: cc.volumeName,
        tokenPath: cc.tokenPath,
        region: config.awsDefaultRegion,
        containerCredentials: { fullUri: cc.fullUri },
      },
    }
  }

  if (!sa) return 'no-service-account'
  if (sa.roleArn === undefined || sa.roleArn === '') return 'not-annotated'
  const warnings = sa.roleArnLooksValid
    ? []
    : [`role-arn annotation \`${sa.roleArn}\` of service account \`${saName}\` is not a role arn`]
  const pod_ = readPodAnnotations(pod, config, sa.tokenExpiration)
  return {
    method: 'sts_web_identity',
    warnings,
    plan: {
      skip: pod_.skip,
      tokenExpiration: pod_.tokenExpiration,
      useRegionalSts: sa.useRegionalSts,
      audience: sa.audience,
      mountPath: config.tokenMountPath,
      volumeName: TOKEN_VOLUME_NAME,
      tokenPath: TOKEN_FILE_NAME,
      region: config.awsDefaultRegion,
      webIdentity: { roleArn: sa.roleArn, stsEndpointUrl: config.stsEndpointUrl },
    },
  }
}

const has = (env: readonly EnvVar[], names: readonly string[]) =>
  env.some((e) => names.includes(e.name))

/**
 * Upstream `addEnvToContainer`, as patch operations on one container: append only the missing
 * groups, in upstream's order, and the volume mount unless one for the volume exists. A container
 * that already has the identity, a region and the regional-STS variable (and, with Lanyard's STS
 * URL, `AWS_ENDPOINT_URL_STS`) is left alone entirely, mount included (testdata rawPodHasAll).
 */
function containerOps(
  container: Container,
  path: string,
  plan: PatchPlan,
  tokenFilePath: string,
): JsonPatchOp[] {
  const env = Array.isArray(container.env) ? container.env : []
  const identityNames = plan.containerCredentials
    ? [AWS_ENV.containerCredentialsFullUri, AWS_ENV.containerAuthorizationTokenFile]
    : [AWS_ENV.roleArn, AWS_ENV.webIdentityTokenFile]
  const identitySet = has(env, identityNames)
  const regionSet = has(env, [AWS_ENV.region, AWS_ENV.defaultRegion])
  const regionalStsSet = has(env, [AWS_ENV.stsRegionalEndpoints])
  const endpoint = plan.webIdentity?.stsEndpointUrl
  const endpointSet = endpoint === undefined || has(env, [AWS_ENV.endpointUrlSts])
  if (identitySet && regionSet && regionalStsSet && endpointSet) return []

  const added: EnvVar[] = []
  if (!regionalStsSet && plan.useRegionalSts) {
    added.push({ name: AWS_ENV.stsRegionalEndpoints, value: 'regional' })
  }
  if (!regionSet && plan.region !== '') {
    added.push(
      { name: AWS_ENV.defaultRegion, value: plan.region },
      { name: AWS_ENV.region, value: plan.region },
    )
  }
  if (!identitySet) {
    if (plan.containerCredentials) {
      added.push(
        { name: AWS_ENV.containerCredentialsFullUri, value: plan.containerCredentials.fullUri },
        { name: AWS_ENV.containerAuthorizationTokenFile, value: tokenFilePath },
      )
    } else if (plan.webIdentity) {
      added.push(
        { name: AWS_ENV.roleArn, value: plan.webIdentity.roleArn },
        { name: AWS_ENV.webIdentityTokenFile, value: tokenFilePath },
      )
    }
  }
  if (!endpointSet && endpoint !== undefined) {
    added.push({ name: AWS_ENV.endpointUrlSts, value: endpoint })
  }

  const ops: JsonPatchOp[] = appendOps(`${path}/env`, Array.isArray(container.env), added)
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : []
  if (!mounts.some((m) => m.name === plan.volumeName)) {
    ops.push(
      ...appendOps(`${path}/volumeMounts`, Array.isArray(container.volumeMounts), [
        { name: plan.volumeName, readOnly: true, mountPath: plan.mountPath },
      ]),
    )
  }
  return ops
}

/** Appends to an array, creating it when absent or `null` (an `add` replaces a `null` member). */
function appendOps(path: string, exists: boolean, values: readonly unknown[]): JsonPatchOp[] {
  if (values.length === 0) return []
  if (!exists) return [{ op: 'add', path, value: [...values] }]
  return values.map((value) => ({ op: 'add', path: `${path}/-`, value }))
}

/** RFC 6901 §3: `~` is written `~0` and `/` is written `~1` in a reference token. */
const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * The patch that gives a Pod AWS credentials, with the behaviour of
 * amazon-eks-pod-identity-webhook (`pkg/handler/handler.go` at 3bf80a34), as fine-grained RFC 6902
 * `add` operations rather than upstream's re-written container arrays:
 *
 * - the ServiceAccount's `<prefix>/role-arn` enables the mutation; `audience`,
 *   `sts-regional-endpoints` and `token-expiration` override the flags; the Pod's
 *   `token-expiration` overrides both and `skip-containers` (CSV) exempts containers by name;
 * - every init container and container not skipped gets, only for the groups it does not set
 *   already: `AWS_STS_REGIONAL_ENDPOINTS=regional`, `AWS_DEFAULT_REGION` + `AWS_REGION`,
 *   `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, then (Lanyard) `AWS_ENDPOINT_URL_STS`; and a
 *   read-only mount of `aws-iam-token` unless it mounts a volume of that name;
 * - Pods on Windows nodes (`nodeSelector` `kubernetes.io/os` or `beta.kubernetes.io/os` =
 *   `windows`) get the token path as `C:\…`;
 * - the projected `serviceAccountToken` volume is prepended unless one of that name exists;
 * - ServiceAccounts listed for container credentials get EKS Pod Identity variables instead.
 *
 * Missing `env`, `volumeMounts` and `volumes` arrays are created; a Pod that already carries
 * everything gets an empty patch, so re-invocation is idempotent. Pure: no I/O.
 *
 * @example
 * const { patch } = mutatePod({ pod, serviceAccount, config: resolveWebhookConfig() })
 */
export function mutatePod(input: MutatePodInput): MutatePodResult {
  const { pod } = input
  const namespace =
    input.namespace ?? pod.metadata?.namespace ?? input.serviceAccount?.namespace ?? ''
  const planned = planPatch(input, namespace)
  if (typeof planned === 'string') {
    return { patch: [], mutated: false, skippedReason: planned, warnings: [] }
  }
  const { plan, method, warnings } = planned

  let tokenFilePath = joinGoPath(plan.mountPath, plan.tokenPath)
  const selector = pod.spec.nodeSelector
  const os = (key: string) => annotation(selector, key)
  if (os('beta.kubernetes.io/os') === 'windows' || os('kubernetes.io/os') === 'windows') {
    // /var/run/secrets/…/token → C:\var\run\secrets\…\token; the mount path stays Unix-style.
    tokenFilePath = `C:${tokenFilePath.replace(/\//g, '\\')}`
  }

  const patch: JsonPatchOp[] = []
  if (plan.containerCredentials) {
    const labels = pod.metadata?.labels
    if (!pod.metadata) {
      patch.push({
        op: 'add',
        path: '/metadata',
        value: { labels: { [POD_IDENTITY_LABEL]: 'enabled' } },
      })
    } else if (!labels) {
      patch.push({
        op: 'add',
        path: '/metadata/labels',
        value: { [POD_IDENTITY_LABEL]: 'enabled' },
      })
    } else if (annotation(labels, POD_IDENTITY_LABEL) !== 'enabled') {
      patch.push({
        op: 'add',
        path: `/metadata/labels/${pointerToken(POD_IDENTITY_LABEL)}`,
        value: 'enabled',
      })
    }
  }

  const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : undefined
  const existing = volumes?.find((v) => v.name === plan.volumeName)
  if (!existing) {
    const volume = {
      name: plan.volumeName,
      projected: {
        sources: [
          {
            serviceAccountToken: {
              // Go's `omitempty`: an empty audience annotation leaves the field out, and the API
              // server then uses its own audience.
              ...(plan.audience !== '' ? { audience: plan.audience } : {}),
              expirationSeconds: plan.tokenExpiration,
              path: plan.tokenPath,
            },
          },
        ],
      },
    }
    patch.push(
      volumes === undefined
        ? { op: 'add', path: '/spec/volumes', value: [volume] }
        : { op: 'add', path: '/spec/volumes/0', value: volume },
    )
  } else if (!isProjectedToken(existing)) {
    warnings.push(
      `volume \`${plan.volumeName}\` exists and is not a projected service account token: the token file will be missing`,
    )
  }

  const containerPatches = (list: Container[] | null | undefined, base: string) => {
    if (!Array.isArray(list)) return
    list.forEach((container, i) => {
      if (plan.skip.has(container.name)) return
      patch.push(...containerOps(container, `${base}/${i}`, plan, tokenFilePath))
    })
  }
  containerPatches(pod.spec.containers, '/spec/containers')
  containerPatches(pod.spec.initContainers, '/spec/initContainers')

  return {
    patch,
    mutated: patch.length > 0,
    ...(patch.length === 0 ? { skippedReason: 'up-to-date' as const } : {}),
    method,
    ...(plan.webIdentity ? { roleArn: plan.webIdentity.roleArn } : {}),
    audience: plan.audience,
    warnings,
  }
}

function isProjectedToken(volume: { [field: string]: unknown }): boolean {
  const projected = volume.projected as { sources?: unknown } | undefined
  return (
    Array.isArray(projected?.sources) &&
    projected.sources.some(
      (s: unknown) => typeof s === 'object' && s !== null && 'serviceAccountToken' in s,
    )
  )
}
