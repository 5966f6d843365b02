import { KubeConfig } from '@kubernetes/client-node'
import { LanyardError } from '../../errors.js'

/** How to reach the Kubernetes API, in the order tried. */
export interface KubeConnectionOptions {
  /** A ready configuration (tests, embedding); wins over everything else. */
  kubeConfig?: KubeConfig | undefined
  /**
   * Use the pod's own ServiceAccount: its token and CA under
   * `/var/run/secrets/kubernetes.io/serviceaccount` and the `KUBERNETES_SERVICE_*` address.
   */
  inCluster?: boolean | undefined
  /** Path of a kubeconfig file; its current context is used. */
  kubeconfig?: string | undefined
}

/**
 * The {@link KubeConfig} for `options`: the given one, the in-cluster one, the named file, or
 * else client-node's default search (`$KUBECONFIG`, `~/.kube/config`, then in-cluster). Throws
 * `config.invalid` when nothing usable is found, so a misconfigured webhook fails at start, not
 * on its first admission request.
 */
export function resolveKubeConfig(options: KubeConnectionOptions = {}): KubeConfig {
  if (options.kubeConfig !== undefined) return options.kubeConfig
  const kc = new KubeConfig()
  const source = options.inCluster
    ? 'the in-cluster service account'
    : options.kubeconfig !== undefined
      ? `kubeconfig \`${options.kubeconfig}\``
      : 'the default kubeconfig'
  try {
    if (options.inCluster) kc.loadFromCluster()
    else if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig)
    else kc.loadFromDefault()
  } catch (err) {
    throw new LanyardError('config.invalid', `cannot load ${source}`, { cause: err })
  }
  if (!hasServer(kc)) {
    throw new LanyardError('config.invalid', `${source} names no Kubernetes API server`)
  }
  return kc
}

// Outside a pod, loadFromCluster yields `https://undefined:undefined` rather than failing.
function hasServer(kc: KubeConfig): boolean {
  const server = kc.getCurrentCluster()?.server
  if (!server) return false
  try {
    const host = new URL(server).hostname
    return host !== '' && host !== 'undefined'
  } catch {
    return false
  }
}
