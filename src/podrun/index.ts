/**
 * `lanyard pod run`: a Kubernetes Pod's containers as local processes, with the environment the
 * pod identity webhook gives them in a cluster (computed by the webhook's own `mutatePod`), a
 * projected token minted by Lanyard's issuer and refreshed as kubelet does, and nothing of the
 * invoking shell's AWS configuration.
 *
 * @packageDocumentation
 */
export { awsCliProblem, MIN_ENDPOINT_URL_VERSION, parseAwsCliVersion } from './aws-cli-version.js'
export { containerArgv, describeArgv, usesAwsCli } from './command-line.js'
export { buildContainerEnv, type ContainerEnvInput } from './container-env.js'
export { expandVars } from './expand-vars.js'
export {
  DEFAULT_NAMESPACE,
  type KeyValueObject,
  type ManifestSource,
  type Manifests,
  readManifests,
} from './manifests.js'
export { type PreparedPod, type PreparePodOptions, preparePod } from './prepare-pod.js'
export { type PodTokenRequest, type RunPodOptions, runPod } from './run-pod.js'
export {
  createTokenRefresher,
  type MintedToken,
  type MintProjectedToken,
  refreshDelayMs,
  type Schedule,
  type TokenRefresher,
  type TokenRefresherOptions,
} from './token-refresher.js'
