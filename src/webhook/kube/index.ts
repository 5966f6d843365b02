/**
 * A thin layer over `@kubernetes/client-node` 1.4 for the webhook: where the API server is, a
 * per-call timeout (the client has none), and failures described for logs.
 *
 * @packageDocumentation
 */
export { type ApiFailure, describeApiFailure } from './api-failure.js'
export { type KubeConnectionOptions, resolveKubeConfig } from './kube-config.js'
export { type KubeLogger, silentLogger } from './logger.js'
export { requestTimeout } from './request-timeout.js'
