import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process'
import { constants } from 'node:os'

/** `child_process.spawn`'s shape, injectable for tests. */
export type SpawnFn = typeof nodeSpawn

/** A running container process. */
export interface ProcessHandle {
  /** The exit status as Kubernetes reports it: the code, or 128 + the signal's number. */
  done: Promise<number>
  kill(signal: NodeJS.Signals): void
}

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  env: Record<string, string>
  cwd: string
  onStdout: (text: string) => void
  onStderr: (text: string) => void
  /** Told why the process could not start (the status is then 128, kubelet's `StartError`). */
  onStartError: (message: string) => void
  spawn?: SpawnFn
}

/** kubelet reports a container that could not be started with exit code 128. */
export const START_ERROR_STATUS = 128

/**
 * Starts `argv` with exactly `env` (the program is looked up in that env's PATH, as the
 * container runtime looks it up in the image's), no stdin, stdout and stderr piped.
 */
export function startProcess(argv: readonly string[], options: StartProcessOptions): ProcessHandle {
  const spawn = options.spawn ?? nodeSpawn
  const spawnOptions: SpawnOptions = {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  }
  const child = spawn(argv[0] as string, argv.slice(1), spawnOptions)
  const done = new Promise<number>((resolve) => {
    let settled = false
    child.stdout?.setEncoding('utf8').on('data', options.onStdout)
    child.stderr?.setEncoding('utf8').on('data', options.onStderr)
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return
      settled = true
      options.onStartError(
        err.code === 'ENOENT'
          ? `exec \`${argv[0]}\`: executable file not found in PATH`
          : `exec \`${argv[0]}\`: ${err.code ?? err.message}`,
      )
      resolve(START_ERROR_STATUS)
    })
    child.on('close', (code, signal) => {
      if (settled) return
      settled = true
      const number = signal ? (constants.signals[signal] ?? 0) : 0
      resolve(code ?? 128 + number)
    })
  })
  return {
    done,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    },
  }
}
