import { existsSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { LanyardError } from '../errors.js'
import type { Container } from '../webhook/types.js'
import type { WebhookConfig } from '../webhook/webhook-config.js'
import { checkAwsCli } from './aws-cli-check.js'
import { containerArgv, describeArgv, usesAwsCli } from './command-line.js'
import { buildContainerEnv } from './container-env.js'
import { createLinePrefixer } from './line-prefixer.js'
import { containerMounts, projectedTokenFiles } from './local-volumes.js'
import type { Manifests } from './manifests.js'
import { preparePod } from './prepare-pod.js'
import { type ProcessHandle, type SpawnFn, startProcess } from './start-process.js'
import {
  createTokenRefresher,
  type MintedToken,
  type Schedule,
  type TokenRefresher,
} from './token-refresher.js'

/** What a projected token is minted for: the Pod's identity and the volume's request. */
export interface PodTokenRequest {
  namespace: string
  serviceAccount: string
  podName: string
  podUid: string
  /** `undefined`: the issuer's own audience, as kube-apiserver's `--api-audiences` default. */
  audience: string | undefined
  expirationSeconds: number
}

/** Options of {@link runPod}. */
export interface RunPodOptions {
  manifests: Manifests
  /** The webhook's configuration: the mutation is the webhook's own. */
  webhookConfig: WebhookConfig
  /** Where the containers' AWS clients are sent. */
  lanyard: { endpointUrl: string; caBundle?: string | undefined }
  mint: (request: PodTokenRequest) => Promise<MintedToken>
  /** This machine: only PATH, HOME and LANG of `env` reach the containers. */
  host: {
    env: Readonly<Record<string, string | undefined>>
    hostName: string
    cwd: string
    tmpDir: string
  }
  /** The containers' output, and one-line notices for the person running the pod. */
  io: {
    stdout: (text: string) => void
    stderr: (text: string) => void
    notice: (line: string) => void
  }
  /** Aborting stops the pod: SIGTERM, then SIGKILL after the grace period. */
  signal?: AbortSignal
  spawn?: SpawnFn
  now?: () => number
  schedule?: Schedule
  /** Pod uid (tests); the API server's random UUID otherwise. */
  newUid?: () => string
}

/** What the host lends every container so that its commands resolve. */
const HOST_VARIABLES = ['PATH', 'HOME', 'LANG'] as const
/** core/v1 `terminationGracePeriodSeconds` default. */
const DEFAULT_GRACE_SECONDS = 30

const realSchedule: Schedule = (ms, fn) => {
  const t = setTimeout(fn, ms)
  // A pending refresh must not keep the process alive once the pod is done.
  t.unref()
  return () => clearTimeout(t)
}

interface ContainerPlan {
  container: Container
  argv: string[]
  env: Record<string, string>
  cwd: string
  init: boolean
  sidecar: boolean
}

const VOLUME_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/**
 * `lanyard pod run`: admits the Pod as a cluster with the pod identity webhook would (the
 * webhook's own mutation), mints its projected tokens from Lanyard's issuer into a private
 * temporary directory standing in for the mount, keeps them fresh as kubelet does, and runs the
 * init containers one by one, then the containers together, as local processes with the pod's
 * environment only. Resolves to the exit status: 0 when every container succeeded, else the
 * status of the last container (in spec order) that failed. Throws `request.invalid` or
 * `client.outdated` before anything runs when the pod cannot run faithfully.
 */
export async function runPod(options: RunPodOptions): Promise<number> {
  const { io } = options
  const now = options.now ?? Date.now
  const prepared = preparePod({
    manifests: options.manifests,
    config: options.webhookConfig,
    ...(options.newUid ? { newUid: options.newUid } : {}),
  })
  const { pod } = prepared
  for (const n of prepared.notices) io.notice(n)
  const tokens = projectedTokenFiles(pod)
  for (const n of tokens.notices) io.notice(n)

  // mkdtemp creates the directory 0700: the tokens in it are the pod's credentials.
  const runDir = await mkdtemp(join(options.host.tmpDir, 'lanyard-pod-'))
  let refresher: TokenRefresher | undefined
  try {
    const volumeDirs = new Map<string, string>()
    const files = []
    for (const file of tokens.files) {
      if (!VOLUME_NAME.test(file.volume)) {
        throw new LanyardError(
          'request.invalid',
          `volume name \`${file.volume}\` is not a dns-1123 label`,
        )
      }
      const dir = join(runDir, 'volumes', file.volume)
      volumeDirs.set(file.volume, dir)
      const localPath = join(dir, file.path)
      await mkdir(dirname(localPath), { recursive: true, mode: 0o700 })
      files.push({ file, localPath })
    }
    // A container has no ~/.aws: the host's profiles, keys and settings must not apply.
    const awsConfig = join(runDir, 'aws-config')
    const awsCredentials = join(runDir, 'aws-credentials')
    await writeFile(awsConfig, '', { mode: 0o600 })
    await writeFile(awsCredentials, '', { mode: 0o600 })

    const base: Record<string, string> = {}
    for (const name of HOST_VARIABLES) {
      const v = options.host.env[name]
      if (v !== undefined) base[name] = v
    }
    const lanyard: Record<string, string> = {
      AWS_ENDPOINT_URL: options.lanyard.endpointUrl,
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: awsCredentials,
      // The pod's identity comes from Lanyard, never from this machine's instance profile.
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    if (options.lanyard.caBundle !== undefined) {
      lanyard.AWS_CA_BUNDLE = options.lanyard.caBundle
      // The JavaScript SDK v3 does not read AWS_CA_BUNDLE; Node itself reads this one.
      lanyard.NODE_EXTRA_CA_CERTS = options.lanyard.caBundle
    }

    const plans: ContainerPlan[] = []
    const inits = Array.isArray(pod.spec.initContainers) ? pod.spec.initContainers : []
    for (const [i, container] of [...inits, ...pod.spec.containers].entries()) {
      const mounts = containerMounts(container, volumeDirs)
      for (const n of mounts.notices) io.notice(n)
      const built = buildContainerEnv({
        pod,
        container,
        manifests: options.manifests,
        mappings: mounts.mappings,
        base,
        lanyard,
        nodeName: options.host.hostName,
      })
      for (const n of built.notices) io.notice(n)
      const argv = containerArgv(container, built.podEnv)
      let cwd = options.host.cwd
      const workingDir = container.workingDir
      if (typeof workingDir === 'string' && workingDir !== '') {
        if (existsSync(workingDir) && statSync(workingDir).isDirectory()) cwd = workingDir
        else {
          io.notice(
            `workingDir \`${workingDir}\` of container \`${container.name}\` does not exist here: running in \`${cwd}\``,
          )
        }
      }
      plans.push({
        container,
        argv,
        env: built.env,
        cwd,
        init: i < inits.length,
        // Native sidecars: init containers with `restartPolicy: Always` run beside the others.
        sidecar: i < inits.length && container.restartPolicy === 'Always',
      })
    }

    const checked = new Map<string, Promise<void>>()
    for (const plan of plans) {
      if (!usesAwsCli(plan.argv)) continue
      const key = plan.env.PATH ?? ''
      if (!checked.has(key)) {
        checked.set(key, checkAwsCli(plan.container.name, plan.env, plan.cwd, options.spawn))
      }
      await checked.get(key)
    }

    refresher = createTokenRefresher({
      files,
      mint: (file) =>
        options.mint({
          namespace: prepared.namespace,
          serviceAccount: prepared.serviceAccountName,
          podName: prepared.name,
          podUid: prepared.uid,
          audience: file.audience,
          expirationSeconds: file.expirationSeconds,
        }),
      now,
      schedule: options.schedule ?? realSchedule,
      onError: io.notice,
    })
    await refresher.start()

    return await runContainers(
      plans,
      prepared.name,
      pod.spec.terminationGracePeriodSeconds,
      options,
    )
  } finally {
    refresher?.stop()
    await rm(runDir, { recursive: true, force: true })
  }
}

async function runContainers(
  plans: readonly ContainerPlan[],
  podName: string,
  graceSeconds: unknown,
  options: RunPodOptions,
): Promise<number> {
  const { io } = options
  const prefixed = plans.length > 1
  const running = new Set<ProcessHandle>()
  const grace =
    typeof graceSeconds === 'number' && graceSeconds >= 0 ? graceSeconds : DEFAULT_GRACE_SECONDS
  let aborted = false
  const stopAll = () => {
    for (const p of running) p.kill('SIGTERM')
    const t = setTimeout(() => {
      for (const p of running) p.kill('SIGKILL')
    }, grace * 1000)
    t.unref()
  }
  const onAbort = () => {
    aborted = true
    stopAll()
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })

  const start = (plan: ContainerPlan): ProcessHandle => {
    const image = typeof plan.container.image === 'string' ? plan.container.image : '(none)'
    io.notice(
      `image ${image} is not pulled; running \`${describeArgv(plan.argv)}\` with the host's tools`,
    )
    const prefix = prefixed ? `[pod/${podName}/${plan.container.name}] ` : ''
    const out = createLinePrefixer(prefix, io.stdout)
    const err = createLinePrefixer(prefix, io.stderr)
    const handle = startProcess(plan.argv, {
      env: plan.env,
      cwd: plan.cwd,
      onStdout: (t) => out.push(t),
      onStderr: (t) => err.push(t),
      onStartError: (m) => io.notice(`container \`${plan.container.name}\` could not start: ${m}`),
      ...(options.spawn ? { spawn: options.spawn } : {}),
    })
    running.add(handle)
    const done = handle.done.then((status) => {
      out.end()
      err.end()
      running.delete(handle)
      return status
    })
    return { done, kill: handle.kill }
  }

  const sidecars: ProcessHandle[] = []
  // kubelet stops sidecars once the main containers are done: SIGTERM, SIGKILL after the grace.
  const stopSidecars = async () => {
    if (sidecars.length === 0) return
    for (const s of sidecars) s.kill('SIGTERM')
    const t = setTimeout(() => {
      for (const s of sidecars) s.kill('SIGKILL')
    }, grace * 1000)
    t.unref()
    await Promise.all(sidecars.map((s) => s.done))
    clearTimeout(t)
  }
  try {
    if (options.signal?.aborted) return 130
    for (const plan of plans.filter((p) => p.init)) {
      if (plan.sidecar) {
        sidecars.push(start(plan))
        continue
      }
      const status = await start(plan).done
      if (status !== 0 || aborted) {
        io.notice(`init container \`${plan.container.name}\` exited with status ${status}`)
        return status === 0 ? 130 : status
      }
    }
    const main = plans.filter((p) => !p.init)
    const statuses = await Promise.all(main.map((p) => start(p).done))
    let result = 0
    for (const [i, status] of statuses.entries()) {
      if (status !== 0) {
        result = status
        if (prefixed)
          io.notice(`container \`${main[i]?.container.name}\` exited with status ${status}`)
      }
    }
    return result
  } finally {
    await stopSidecars()
    options.signal?.removeEventListener('abort', onAbort)
  }
}
