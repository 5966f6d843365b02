/**
 * The pod-identity admission webhook (`lanyard webhook`): the mutation of
 * amazon-eks-pod-identity-webhook as a pure function ({@link mutatePod}), the AdmissionReview
 * protocol around it ({@link handleAdmissionReview}), the HTTPS server
 * ({@link startWebhookServer}), its Prometheus metrics and the optional role check. The
 * ServiceAccount cache lives in `./sa-cache`.
 *
 * @example
 * import { applyJsonPatch, mutatePod, resolveWebhookConfig } from './webhook/index.js'
 *
 * const { patch } = mutatePod({ pod, serviceAccount, config: resolveWebhookConfig() })
 * const mutated = applyJsonPatch(pod, patch)
 *
 * @packageDocumentation
 */
export {
  ADMISSION_VERSIONS,
  type AdmissionDeps,
  type AdmissionHttpRequest,
  type AdmissionHttpResponse,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReview,
  type AdmissionVersion,
  DEFAULT_CHECK_ROLE_TIMEOUT_MS,
  DEFAULT_LOOKUP_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  handleAdmissionReview,
  parseAdmissionReview,
  reviewPodCreate,
} from './admission.js'
export { parseContainerCredentialsIdentities } from './container-credentials-file.js'
export { applyJsonPatch, deepEqual } from './json-patch.js'
export {
  createWebhookMetrics,
  type MutationMethod,
  type SkipReason,
  type WebhookMetrics,
} from './metrics.js'
export {
  AWS_ENV,
  type MutatePodInput,
  type MutatePodResult,
  type MutateSkipReason,
  mutatePod,
  podServiceAccountName,
} from './mutate-pod.js'
export { parsePod } from './parse-pod.js'
export {
  createLanyardIamClient,
  createRoleCheck,
  type LanyardIamClientOptions,
  providerPathOf,
  type RoleCheckIam,
  type RoleCheckOptions,
} from './role-check.js'
export {
  DEFAULT_WEBHOOK_PORT,
  startWebhookServer,
  type WebhookLogger,
  type WebhookServer,
  type WebhookServerOptions,
} from './server.js'
export {
  POD_ANNOTATIONS,
  readServiceAccountSettings,
  SERVICE_ACCOUNT_ANNOTATIONS,
  type ServiceAccountSettings,
} from './service-account-settings.js'
export { createTlsReloader, type TlsFiles, type TlsReloader } from './tls-reloader.js'
export type {
  CheckRole,
  Container,
  EnvVar,
  JsonPatchOp,
  LookupServiceAccount,
  ObjectMeta,
  OnMutationFailure,
  Pod,
  PodSpec,
  ServiceAccountInfo,
  Volume,
  VolumeMount,
} from './types.js'
export {
  type ContainerCredentialsConfig,
  clampTokenExpiration,
  DEFAULT_CONTAINER_CREDENTIALS,
  DEFAULT_MIN_TOKEN_EXPIRATION,
  DEFAULT_TOKEN_EXPIRATION,
  DEFAULT_WEBHOOK_CONFIG,
  MAX_TOKEN_EXPIRATION,
  MIN_TOKEN_EXPIRATION,
  POD_IDENTITY_LABEL,
  resolveWebhookConfig,
  TOKEN_FILE_NAME,
  TOKEN_VOLUME_NAME,
  type WebhookConfig,
  type WebhookConfigInput,
} from './webhook-config.js'
