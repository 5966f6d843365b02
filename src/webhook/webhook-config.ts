import { LanyardError } from '../errors.js'

/** Name of the projected token volume (upstream `NewModifier`: `volName`). */
export const TOKEN_VOLUME_NAME = 'aws-iam-token'
/** File name of the token inside the mount (upstream `NewModifier`: `tokenName`). */
export const TOKEN_FILE_NAME = 'token'
/** Default token lifetime (upstream `pkg.DefaultTokenExpiration`). */
export const DEFAULT_TOKEN_EXPIRATION = 86_400
/** Lower end of the jitter applied to the default lifetime in container-credentials mode. */
export const DEFAULT_MIN_TOKEN_EXPIRATION = 79_200
/** "10mins is min for kube-apiserver" (upstream `pkg.MinTokenExpiration`). */
export const MIN_TOKEN_EXPIRATION = 600
/**
 * The API server refuses a projected token longer than 2^32 s ("may not specify a duration
 * larger than 2^32 seconds", core/v1 validation of `serviceAccountToken.expirationSeconds`).
 * Upstream does not clamp here, so a huge annotation gets the Pod rejected; Lanyard clamps.
 */
export const MAX_TOKEN_EXPIRATION = 2 ** 32
/** Label set on Pods mutated in container-credentials mode (hard-coded upstream). */
export const POD_IDENTITY_LABEL = 'eks.amazonaws.com/pod-identity'

/**
 * EKS Pod Identity ("container credentials") mode: for the listed ServiceAccounts the Pod gets
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI` and a token for the Pod Identity agent instead of a role.
 * Upstream flags `--container-credentials-*` and `--watch-container-credentials-config`.
 */
export interface ContainerCredentialsConfig {
  /** `--container-credentials-audience`, default `pods.eks.amazonaws.com`. */
  audience: string
  /** `--container-credentials-token-mount-path`. */
  mountPath: string
  /** `--container-credentials-token-volume-name`, default `eks-pod-identity-token`. */
  volumeName: string
  /** `--container-credentials-token-path`, default `eks-pod-identity-token`. */
  tokenPath: string
  /** `--container-credentials-full-uri`, default `http://169.254.170.23/v1/credentials`. */
  fullUri: string
  /** The `identities` of the watched config file: who gets this mode. */
  identities: ReadonlyArray<{ namespace: string; serviceAccount: string }>
}

/** Defaults of the upstream `--container-credentials-*` flags (identities empty). */
export const DEFAULT_CONTAINER_CREDENTIALS: ContainerCredentialsConfig = {
  audience: 'pods.eks.amazonaws.com',
  mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount',
  volumeName: 'eks-pod-identity-token',
  tokenPath: 'eks-pod-identity-token',
  fullUri: 'http://169.254.170.23/v1/credentials',
  identities: [],
}

/** How Pods are mutated: the upstream webhook's flags plus Lanyard's STS endpoint. */
export interface WebhookConfig {
  /** `--annotation-prefix`: where the annotations live, default `eks.amazonaws.com`. */
  annotationPrefix: string
  /** `--token-audience`: audience unless the ServiceAccount says otherwise. */
  tokenAudience: string
  /** `--token-expiration` in seconds, already raised to the 600 s minimum. */
  tokenExpiration: number
  /** `--token-mount-path`: where the token volume is mounted. */
  tokenMountPath: string
  /** `--aws-default-region`: when not empty, `AWS_DEFAULT_REGION` and `AWS_REGION` are injected. */
  awsDefaultRegion: string
  /** `--sts-regional-endpoint`: inject `AWS_STS_REGIONAL_ENDPOINTS=regional` unless the SA says no. */
  stsRegionalEndpoint: boolean
  /**
   * `--sts-endpoint-url` (Lanyard): injected as `AWS_ENDPOINT_URL_STS` so unmodified SDKs send
   * `AssumeRoleWithWebIdentity` to Lanyard.
   */
  stsEndpointUrl?: string | undefined
  /** EKS Pod Identity mode for some ServiceAccounts; off when absent. */
  containerCredentials?: ContainerCredentialsConfig | undefined
}

/** The upstream defaults (`main.go` flags). */
export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = {
  annotationPrefix: 'eks.amazonaws.com',
  tokenAudience: 'sts.amazonaws.com',
  tokenExpiration: DEFAULT_TOKEN_EXPIRATION,
  tokenMountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount',
  awsDefaultRegion: '',
  stsRegionalEndpoint: false,
}

/** Input of {@link resolveWebhookConfig}: any subset; `undefined` means "the default". */
export type WebhookConfigInput = { [K in keyof WebhookConfig]?: WebhookConfig[K] | undefined }

/** Raises a lifetime to the API server's minimum and lowers it to its maximum. */
export function clampTokenExpiration(seconds: bigint | number): number {
  const n = BigInt(seconds)
  if (n < BigInt(MIN_TOKEN_EXPIRATION)) return MIN_TOKEN_EXPIRATION
  if (n > BigInt(MAX_TOKEN_EXPIRATION)) return MAX_TOKEN_EXPIRATION
  return Number(n)
}

/**
 * Fills the defaults in and checks the values: a non-empty annotation prefix and mount path, an
 * integral token lifetime (clamped to 600 … 2^32 as upstream clamps the flag to 600) and an
 * `http(s)` STS endpoint URL. Throws `config.invalid`.
 */
export function resolveWebhookConfig(input: WebhookConfigInput = {}): WebhookConfig {
  const config: WebhookConfig = { ...DEFAULT_WEBHOOK_CONFIG }
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value
  }
  if (config.annotationPrefix === '' || config.annotationPrefix.includes('/')) {
    throw new LanyardError(
      'config.invalid',
      `annotation prefix \`${config.annotationPrefix}\` must be a non-empty DNS prefix without \`/\``,
    )
  }
  if (config.tokenMountPath === '') {
    throw new LanyardError('config.invalid', 'token mount path must not be empty')
  }
  if (!Number.isSafeInteger(config.tokenExpiration)) {
    throw new LanyardError(
      'config.invalid',
      `token expiration \`${config.tokenExpiration}\` is not a whole number of seconds`,
    )
  }
  config.tokenExpiration = clampTokenExpiration(config.tokenExpiration)
  if (config.stsEndpointUrl !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(config.stsEndpointUrl)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new LanyardError(
        'config.invalid',
        `sts endpoint url \`${config.stsEndpointUrl}\` is not an http or https url`,
      )
    }
  }
  return config
}
