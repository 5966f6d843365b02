import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { CREDENTIALS_FILE } from '../../src/bootstrap/data-dir.js'
import { type Config, loadConfig } from '../../src/config/config.js'
import { type RunningServer, startServer } from '../../src/main.js'

export interface TestServer {
  server: RunningServer
  dataDir: string
  config: Config
  credentials: { accountId: string; accessKeyId: string; secretAccessKey: string }
  /** SDK client settings for the administrator. */
  sdk: {
    endpoint: string
    region: string
    credentials: { accessKeyId: string; secretAccessKey: string }
  }
  /** Environment for child processes (aws CLI): only what we set, never the host's AWS_* variables. */
  env: Record<string, string>
  restart(): Promise<void>
  close(): Promise<void>
}

/** Starts a real Lanyard server on a random loopback port with a fresh data dir. */
export async function startTestServer(
  flags: Partial<Record<keyof Config, string | number | boolean>> = {},
  options: { logs?: string[] } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-e2e-'))
  const config = loadConfig({ flags: { port: 0, dataDir, ...flags }, env: {} })
  // With `logs`, every log line the server writes (at debug level) is kept for inspection.
  const logs = options.logs
  const logger = logs
    ? pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) })
    : pino({ level: 'silent' })
  let server = await startServer(config, { logger })
  const credentials = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8'))
  const t: TestServer = {
    server,
    dataDir,
    config,
    credentials,
    sdk: {
      endpoint: server.url,
      region: config.region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      },
    },
    env: cliEnv(server, credentials, config.region),
    async restart() {
      await server.close()
      const port = Number(new URL(server.url).port)
      server = await startServer({ ...config, port }, { logger })
      t.server = server
    },
    async close() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return t
}

/** Environment for the machine's `aws` CLI against `server` as the administrator. */
export function cliEnv(
  server: Pick<RunningServer, 'url' | 'caBundle'>,
  c: { accessKeyId: string; secretAccessKey: string },
  region: string,
) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ENDPOINT_URL: server.url,
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  }
  for (const k of ['PYENV_ROOT', 'PYENV_VERSION', 'LANG']) {
    const v = process.env[k]
    if (v !== undefined) env[k] = v
  }
  if (server.caBundle !== undefined) env.AWS_CA_BUNDLE = server.caBundle
  return env
}

/** The error an SDK call was refused with; fails the test when the call succeeds. */
export async function sdkError(
  call: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } }
  }
  throw new Error('the call succeeded')
}

/** Whether a machine tool is there; with CI=true a missing tool is a failure, never a skip. */
export function requireTool(name: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0
  if (!found && process.env.CI === 'true') {
    throw new Error(
      `the real-client suite needs \`${name}\` on PATH, and CI=true forbids skipping it`,
    )
  }
  if (!found) console.warn(`\n*** SKIPPING real-client tests: \`${name}\` is not on PATH ***\n`)
  return found
}

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a command without blocking the event loop: the server under test lives in this process,
 * so a synchronous spawn would deadlock against it.
 */
export function run(
  command: string,
  args: string[],
  options: { env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}

/** Runs the machine's `aws` CLI against the test server. */
export function awsCli(
  t: TestServer,
  args: string[],
  env: Record<string, string> = t.env,
): Promise<RunResult> {
  return run('aws', [...args, '--output', 'json'], { env })
}

/** Runs Lanyard's own CLI from source (no build needed). */
export function lanyardCli(
  args: string[],
  env: Record<string, string> = { PATH: process.env.PATH ?? '' },
): Promise<RunResult> {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env })
}

const REPO = fileURLToPath(new URL('../..', import.meta.url))

export interface LanyardUp {
  child: ChildProcess
  url: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * `lanyard up` from source in its own process, as users start it, on any free port with `dataDir`
 * and `flags`; resolves at the ready line.
 */
export async function lanyardUp(dataDir: string, ...flags: string[]): Promise<LanyardUp> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'up', '--port', '0', '--data-dir', dataDir, ...flags],
    {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', LANYARD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let out = ''
  let err = ''
  // Both pipes are drained for the whole life of the child, so it never blocks on a full pipe.
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-2000)
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('lanyard up: no ready line in 60 s'))
    }, 60_000)
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out = (out + d).slice(-2000)
      const m = /lanyard ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1] as string)
      }
    })
    child.once('error', reject)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`lanyard up exited (${code ?? signal}) before ready: ${err}`))
    })
  })
  return { child, url, exited }
}
