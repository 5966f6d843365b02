import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LambdaFunctionRecord } from '../../store/ports.js'
import type { ServiceCredentials } from './assume-service-role.js'
import { BOOTSTRAP_JS, BOOTSTRAP_PY, CFN_RESPONSE_JS, CFNRESPONSE_PY } from './runtime-files.js'

/** Environment variables Lambda reserves (configuration-envvars, "Reserved environment variables"). */
export const RESERVED_ENV = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
])

export interface LambdaRunnerOptions {
  /** Interpreter commands per runtime family; absolute paths or names found on `hostPath`. */
  interpreters: { python: string; nodejs: string }
  /** PATH used only to find the interpreters (the function itself gets a minimal PATH). */
  hostPath: string
  /** Lanyard's endpoint, the function's `AWS_ENDPOINT_URL`. */
  endpointUrl: () => string
  /** CA bundle of Lanyard's TLS certificate, the function's `AWS_CA_BUNDLE`. */
  caBundle?: string | undefined
  region: string
  /** `NODE_PATH` for Node.js functions, so the AWS SDK resolves as in Lambda's runtime. */
  nodePath?: string | undefined
  /** Each line the function prints (its CloudWatch log stream, in Lambda). */
  onOutput?: (fn: string, requestId: string, stream: 'stdout' | 'stderr', line: string) => void
}

export interface InvocationResult {
  /** The handler returned (or called back) without error. */
  ok: boolean
  result?: unknown
  errorType?: string
  errorMessage?: string
  timedOut: boolean
  exitCode: number | null
  logStreamName: string
}

const MAX_OUTPUT = 1024 * 1024

/** A date-prefixed log stream name like Lambda's: `2026/11/28/[$LATEST]<32 hex>`. */
function logStreamName(now: Date): string {
  const d = now.toISOString().slice(0, 10).replace(/-/g, '/')
  return `${d}/[$LATEST]${randomBytes(16).toString('hex')}`
}

/**
 * Runs Lambda handlers (inline `ZipFile` code) as local processes, one per invocation: the code
 * and the runtime files are written to a fresh private directory, the interpreter runs the
 * bootstrap with only Lambda's environment (the role session's credentials, region, Lanyard's
 * endpoint and CA bundle, the function's variables) — nothing of the host's.
 */
export function createLambdaRunner(options: LambdaRunnerOptions) {
  const resolved = new Map<string, Promise<string>>()
  const running = new Set<ReturnType<typeof spawn>>()
  let closing = false

  /** The real interpreter binary, so a version-manager shim needs no environment per run. */
  const interpreter = (family: 'python' | 'nodejs'): Promise<string> => {
    let p = resolved.get(family)
    if (!p) {
      const command = options.interpreters[family]
      const probe =
        family === 'python'
          ? ['-c', 'import sys; print(sys.executable)']
          : ['-e', 'console.log(process.execPath)']
      p = new Promise((resolve) => {
        execFile(
          command,
          probe,
          { env: { PATH: options.hostPath }, timeout: 30_000 },
          (err, stdout) => resolve(err || stdout.trim() === '' ? command : stdout.trim()),
        )
      })
      resolved.set(family, p)
    }
    return p
  }

  return {
    async invoke(
      fn: LambdaFunctionRecord,
      event: unknown,
      credentials: ServiceCredentials,
      requestId: string,
      now: Date = new Date(),
    ): Promise<InvocationResult> {
      if (closing) throw new Error('Lanyard is shutting down: no new function runs')
      const family = fn.runtime.startsWith('python') ? 'python' : 'nodejs'
      const work = await mkdtemp(join(tmpdir(), 'lanyard-lambda-'))
      const task = join(work, 'task')
      const stream = logStreamName(now)
      try {
        await mkdir(join(task, 'node_modules'), { recursive: true, mode: 0o700 })
        const module = fn.handler.slice(0, fn.handler.lastIndexOf('.'))
        const deadlineMs = now.getTime() + fn.timeoutSeconds * 1000
        if (family === 'python') {
          await writeFile(join(task, `${module}.py`), fn.code, { mode: 0o600 })
          await writeFile(join(task, 'cfnresponse.py'), CFNRESPONSE_PY, { mode: 0o600 })
          await writeFile(join(work, 'bootstrap.py'), BOOTSTRAP_PY, { mode: 0o600 })
        } else {
          await writeFile(join(task, `${module}.js`), fn.code, { mode: 0o600 })
          await writeFile(join(task, 'node_modules', 'cfn-response.js'), CFN_RESPONSE_JS, {
            mode: 0o600,
          })
          await writeFile(join(work, 'bootstrap.js'), BOOTSTRAP_JS, { mode: 0o600 })
        }
        await writeFile(join(work, 'event.json'), JSON.stringify(event), { mode: 0o600 })
        await writeFile(
          join(work, 'invocation.json'),
          JSON.stringify({ requestId, functionArn: fn.arn, deadlineMs }),
          { mode: 0o600 },
        )
        const env: Record<string, string> = {
          ...fn.environment,
          PATH: '/usr/local/bin:/usr/bin:/bin',
          LANG: 'en_US.UTF-8',
          TZ: ':UTC',
          HOME: work,
          LAMBDA_TASK_ROOT: task,
          LAMBDA_RUNTIME_DIR: work,
          _HANDLER: fn.handler,
          AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
          AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
          AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
          AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
          AWS_LAMBDA_LOG_STREAM_NAME: stream,
          AWS_REGION: options.region,
          AWS_DEFAULT_REGION: options.region,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken,
          AWS_ENDPOINT_URL: options.endpointUrl(),
          // No host configuration or credentials files: the SDK sees Lambda's environment only.
          AWS_CONFIG_FILE: join(work, 'no-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
          PYTHONDONTWRITEBYTECODE: '1',
          PYTHONUNBUFFERED: '1',
        }
        if (options.caBundle !== undefined) {
          env.AWS_CA_BUNDLE = options.caBundle
          if (family === 'nodejs') env.NODE_EXTRA_CA_CERTS = options.caBundle
        }
        if (family === 'nodejs' && options.nodePath !== undefined) env.NODE_PATH = options.nodePath
        const command = await interpreter(family)
        const bootstrap = join(work, family === 'python' ? 'bootstrap.py' : 'bootstrap.js')
        const exit = await new Promise<{ code: number | null; timedOut: boolean }>((resolve) => {
          const child = spawn(command, [bootstrap, work], {
            cwd: task,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          })
          running.add(child)
          let timedOut = false
          const timer = setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, fn.timeoutSeconds * 1000)
          const lines = (name: 'stdout' | 'stderr') => {
            let buffered = ''
            let total = 0
            return (chunk: string) => {
              total += chunk.length
              if (total > MAX_OUTPUT) return
              buffered += chunk
              const parts = buffered.split('\n')
              buffered = parts.pop() ?? ''
              for (const line of parts) options.onOutput?.(fn.functionName, requestId, name, line)
            }
          }
          child.stdout?.setEncoding('utf8').on('data', lines('stdout'))
          child.stderr?.setEncoding('utf8').on('data', lines('stderr'))
          child.on('error', (err) => {
            options.onOutput?.(
              fn.functionName,
              requestId,
              'stderr',
              `cannot start ${command}: ${err.message}`,
            )
          })
          child.on('close', (code) => {
            clearTimeout(timer)
            running.delete(child)
            resolve({ code, timedOut })
          })
        })
        let outcome: { ok?: boolean; result?: unknown; errorType?: string; errorMessage?: string } =
          {}
        try {
          outcome = JSON.parse(await readFile(join(work, 'result.json'), 'utf8'))
        } catch {
          // No result: the process died (timeout, crash) before the handler returned.
        }
        return {
          ok: outcome.ok === true && !exit.timedOut,
          ...(outcome.result !== undefined ? { result: outcome.result } : {}),
          ...(exit.timedOut
            ? {
                errorType: 'Sandbox.Timedout',
                errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
              }
            : outcome.errorType !== undefined
              ? { errorType: outcome.errorType, errorMessage: outcome.errorMessage ?? '' }
              : {}),
          timedOut: exit.timedOut,
          exitCode: exit.code,
          logStreamName: stream,
        }
      } finally {
        await rm(work, { recursive: true, force: true })
      }
    },

    /** Kills every running function process and starts no new one (server shutdown). */
    killAll(): void {
      closing = true
      for (const child of running) child.kill('SIGKILL')
    },
  }
}

export type LambdaRunner = ReturnType<typeof createLambdaRunner>
