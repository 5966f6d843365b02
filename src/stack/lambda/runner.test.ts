import { describe, expect, it } from 'vitest'
import { processEnv } from '../../config/config.js'
import type { LambdaFunctionRecord } from '../../store/ports.js'
import { createLambdaRunner } from './runner.js'

const runner = createLambdaRunner({
  interpreters: { python: 'python3', nodejs: process.execPath },
  hostPath: processEnv().PATH ?? '/usr/bin:/bin',
  endpointUrl: () => 'https://127.0.0.1:4566',
  caBundle: '/tmp/lanyard-test-ca.pem',
  region: 'eu-west-1',
})

const credentials = {
  accessKeyId: 'ASIATESTTESTTESTTEST',
  secretAccessKey: 'secret',
  sessionToken: 'token',
  expiresAt: 0,
}

const fn = (
  runtime: string,
  code: string,
  extra: Partial<LambdaFunctionRecord> = {},
): LambdaFunctionRecord => ({
  functionName: 'f',
  arn: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
  runtime,
  handler: 'index.handler',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  code,
  timeoutSeconds: 10,
  memorySize: 256,
  environment: { STAGE: 'test' },
  lastModified: '2026-01-01T00:00:00.000Z',
  ...extra,
})

/** Exactly Lambda's variables and the function's own: nothing of the host's. */
const EXPECTED_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_CA_BUNDLE',
  'AWS_CONFIG_FILE',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_REGION',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SHARED_CREDENTIALS_FILE',
  'HOME',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
  'LANG',
  'PATH',
  'PYTHONDONTWRITEBYTECODE',
  'PYTHONUNBUFFERED',
  'STAGE',
  'TZ',
  '_HANDLER',
]

describe('local Lambda runner', () => {
  it("gives a Python handler Lambda's environment and nothing of the host's, and a context", async () => {
    const r = await runner.invoke(
      fn(
        'python3.12',
        [
          'import os',
          'def handler(event, context):',
          "  keys = sorted(k for k in os.environ if k not in ('LC_CTYPE', 'PWD', 'SHLVL', '_'))",
          "  return {'keys': keys, 'event': event, 'region': os.environ['AWS_REGION'], 'endpoint': os.environ['AWS_ENDPOINT_URL'],",
          "          'requestId': context.aws_request_id, 'stream': context.log_stream_name, 'left': context.get_remaining_time_in_millis() > 0}",
        ].join('\n'),
      ),
      { RequestType: 'Create' },
      credentials,
      'req-1',
    )
    expect(r.ok).toBe(true)
    const out = r.result as Record<string, unknown>
    expect(out.keys).toEqual(EXPECTED_ENV)
    expect(out).toMatchObject({
      event: { RequestType: 'Create' },
      region: 'eu-west-1',
      endpoint: 'https://127.0.0.1:4566',
      requestId: 'req-1',
      stream: r.logStreamName,
      left: true,
    })
    expect(r.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
  })

  it.each([
    ['async handler', 'exports.handler = async (event) => ({ got: event.x })', { got: 1 }],
    [
      'callback',
      'exports.handler = (event, context, callback) => { callback(null, { got: event.x }) }',
      { got: 1 },
    ],
    [
      'context.succeed',
      'exports.handler = (event, context) => { context.succeed({ got: event.x }) }',
      { got: 1 },
    ],
  ])('runs a Node.js handler: %s', async (_name, code, expected) => {
    const r = await runner.invoke(fn('nodejs20.x', code), { x: 1 }, credentials, 'req-2')
    expect(r).toMatchObject({ ok: true, result: expected, timedOut: false, exitCode: 0 })
  })

  it.each([
    [
      'python3.12',
      "def handler(event, context):\n  raise ValueError('boom')",
      'ValueError',
      'boom',
    ],
    ['python3.12', 'x = (', 'Runtime.ImportModuleError', "Unable to import module 'index.handler'"],
    [
      'nodejs20.x',
      "exports.handler = async () => { throw new TypeError('bad') }",
      'TypeError',
      'bad',
    ],
    [
      'nodejs20.x',
      'exports.other = 1',
      'Runtime.HandlerNotFound',
      'index.handler is undefined or not exported',
    ],
  ])('reports a failing %s handler', async (runtime, code, errorType, message) => {
    const r = await runner.invoke(fn(runtime, code), {}, credentials, 'req-3')
    expect(r.ok).toBe(false)
    expect(r.errorType).toBe(errorType)
    expect(r.errorMessage).toContain(message)
  })

  it("kills a handler at its timeout, with Lambda's message", async () => {
    const r = await runner.invoke(
      fn('python3.12', 'import time\ndef handler(event, context):\n  time.sleep(30)', {
        timeoutSeconds: 1,
      }),
      {},
      credentials,
      'req-4',
    )
    expect(r).toMatchObject({
      ok: false,
      timedOut: true,
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 1.00 seconds',
    })
  })
})
