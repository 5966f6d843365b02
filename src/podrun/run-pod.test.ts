import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processEnv } from '../config/config.js'
import { isLanyardError } from '../errors.js'
import { resolveWebhookConfig } from '../webhook/webhook-config.js'
import { readManifests } from './manifests.js'
import { type PodTokenRequest, type RunPodOptions, runPod } from './run-pod.js'

const ROLE = 'arn:aws:iam::123456789012:role/ClusterSelfDescribeRole'
const UID = '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11'
const NODE = process.execPath
const HOST_PATH = processEnv().PATH ?? '/usr/bin:/bin'
/** The fixed instant of these runs: no real clock. */
const T0 = Date.UTC(2026, 0, 1)
let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lanyard-podrun-test-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: my-service-account
  annotations:
    eks.amazonaws.com/role-arn: ${ROLE}
`
const podYaml = (spec: string, annotations = '') => `apiVersion: v1
kind: Pod
metadata:
  name: my-pod
${annotations}spec:
  serviceAccountName: my-service-account
${spec}`

/** A directory with a fake `aws` that prints `version` for `--version` and its env otherwise. */
function fakeAws(version: string): string {
  const dir = mkdtempSync(join(work, 'bin-'))
  const script = join(dir, 'aws')
  writeFileSync(
    script,
    `#!/bin/sh\nif [ "$1" = --version ]; then echo '${version}'; exit 0; fi\necho "fake aws $* via $AWS_ENDPOINT_URL"\n`,
  )
  chmodSync(script, 0o755)
  return dir
}

/** Runs a pod with a fake minter; collects everything it prints and every token request. */
async function run(
  yaml: string,
  {
    path,
    onStdout,
    ...extra
  }: Partial<RunPodOptions> & { path?: string; onStdout?: (t: string) => void } = {},
) {
  const out = { stdout: '', stderr: '', notices: [] as string[], mints: [] as PodTokenRequest[] }
  let n = 0
  const status = await runPod({
    manifests: readManifests(
      [
        { name: 'sa.yaml', text: SA },
        { name: 'pod.yaml', text: yaml },
      ],
      'test',
    ),
    webhookConfig: resolveWebhookConfig({
      awsDefaultRegion: 'us-east-1',
      stsEndpointUrl: 'http://127.0.0.1:9',
    }),
    lanyard: { endpointUrl: 'http://127.0.0.1:9' },
    mint: async (request) => {
      out.mints.push(request)
      n++
      const now = T0
      return {
        token: `header.payload-${n}.signature`,
        issuedAt: now,
        expiresAt: now + request.expirationSeconds * 1000,
      }
    },
    host: {
      env: {
        PATH: path ?? HOST_PATH,
        HOME: '/home/someone',
        LANG: 'C.UTF-8',
        // The invoking shell's AWS configuration and secrets: none may reach the pod.
        AWS_ACCESS_KEY_ID: 'AKIAHOSTHOSTHOSTHOST',
        AWS_SECRET_ACCESS_KEY: 'host-secret',
        AWS_SESSION_TOKEN: 'host-session',
        AWS_PROFILE: 'production',
        AWS_REGION: 'eu-west-3',
        AWS_ENDPOINT_URL: 'https://real.amazonaws.com',
        GITHUB_TOKEN: 'ghp_host',
      },
      hostName: 'laptop',
      cwd: work,
      tmpDir: work,
    },
    io: {
      stdout: (t) => {
        out.stdout += t
        onStdout?.(t)
      },
      stderr: (t) => {
        out.stderr += t
      },
      notice: (l) => out.notices.push(l),
    },
    newUid: () => UID,
    now: () => T0,
    ...extra,
  })
  return { status, ...out }
}

// The container reports its whole environment and what it finds at the token path.
const REPORT = `const fs = require('node:fs'); const f = process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
console.log(JSON.stringify({ env: process.env, token: fs.readFileSync(f, 'utf8'),
  fileMode: fs.statSync(f).mode & 0o777, dirMode: fs.statSync(require('node:path').dirname(f)).mode & 0o777 }))`

describe('runPod', () => {
  it('runs the container with only the pod env, the mutation, Lanyard and a fresh token', async () => {
    const r = await run(
      podYaml(
        `  containers:\n  - name: app\n    image: node:20\n    command: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(REPORT)}]\n    env:\n    - {name: GREETING, value: hello}\n`,
        '  annotations:\n    eks.amazonaws.com/token-expiration: "600"\n',
      ),
    )
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout)
    const env = report.env as Record<string, string>
    const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE as string
    expect(env).toEqual({
      PATH: HOST_PATH,
      HOME: '/home/someone',
      LANG: 'C.UTF-8',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_CONFIG_FILE: expect.stringMatching(/lanyard-pod-\w+\/aws-config$/),
      AWS_SHARED_CREDENTIALS_FILE: expect.stringMatching(/lanyard-pod-\w+\/aws-credentials$/),
      AWS_EC2_METADATA_DISABLED: 'true',
      GREETING: 'hello',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_ROLE_ARN: ROLE,
      AWS_WEB_IDENTITY_TOKEN_FILE: expect.stringMatching(
        /lanyard-pod-\w+\/volumes\/aws-iam-token\/token$/,
      ),
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    })
    expect(tokenFile.startsWith(work)).toBe(true)
    expect(report).toMatchObject({
      token: 'header.payload-1.signature',
      fileMode: 0o600,
      dirMode: 0o700,
    })
    expect(r.mints).toEqual([
      {
        namespace: 'test',
        serviceAccount: 'my-service-account',
        podName: 'my-pod',
        podUid: UID,
        audience: 'sts.amazonaws.com',
        expirationSeconds: 600,
      },
    ])
    expect(r.notices).toEqual([
      `image node:20 is not pulled; running \`${NODE} -e '${REPORT.replaceAll("'", `'\\''`)}'\` with the host's tools`,
    ])
    // The stand-in for the mount is gone with the pod.
    expect(existsSync(tokenFile)).toBe(false)
  })

  it('refreshes the token file the running container reads at 80 % of its lifetime', async () => {
    const timers: Array<{ ms: number; fn: () => void }> = []
    const r = await run(
      podYaml(
        `  containers:
  - name: app
    image: busybox
    command: [sh, -c]
    args:
    - |
      f=$$AWS_WEB_IDENTITY_TOKEN_FILE; first=$$(cat $$f); echo "first $$first"
      while [ "$$(cat $$f)" = "$$first" ]; do sleep 0.02; done; echo "then $$(cat $$f)"
`,
        '  annotations:\n    eks.amazonaws.com/token-expiration: "600"\n',
      ),
      {
        schedule: (ms, fn) => {
          timers.push({ ms, fn })
          return () => {}
        },
        // The kubelet moment comes when the container has read its first token.
        onStdout: (t) => t.startsWith('first') && timers[0]?.fn(),
      },
    )
    expect(r.stdout).toBe('first header.payload-1.signature\nthen header.payload-2.signature\n')
    expect(r.status).toBe(0)
    expect(timers.map((t) => t.ms)).toEqual([480_000, 480_000])
    expect(r.mints.map((m) => m.expirationSeconds)).toEqual([600, 600])
  })

  it('runs init containers first, in order, and prefixes output as kubectl logs --prefix', async () => {
    const r = await run(
      podYaml(`  initContainers:
  - {name: first, image: busybox, command: [sh, -c, "echo one; echo err >&2"]}
  - {name: second, image: busybox, command: [sh, -c, "echo two"]}
  containers:
  - {name: main, image: busybox, command: [sh, -c, "echo three"]}
`),
    )
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(
      '[pod/my-pod/first] one\n[pod/my-pod/second] two\n[pod/my-pod/main] three\n',
    )
    expect(r.stderr).toBe('[pod/my-pod/first] err\n')
    expect(r.notices).toHaveLength(3)
  })

  it('runs a native sidecar beside the containers and stops it when they are done', async () => {
    const marker = join(mkdtempSync(join(work, 'sidecar-')), 'ready')
    const r = await run(
      podYaml(`  initContainers:
  - {name: proxy, image: envoy, restartPolicy: Always, command: [sh, -c, "echo side; touch ${marker}; exec sleep 30"]}
  containers:
  - {name: main, image: busybox, command: [sh, -c, "while [ ! -e ${marker} ]; do sleep 0.02; done; echo main"]}
`),
    )
    expect(r.status).toBe(0)
    expect(r.stdout.split('\n').sort()).toEqual([
      '',
      '[pod/my-pod/main] main',
      '[pod/my-pod/proxy] side',
    ])
  })

  it('stops at a failing init container and exits with its status', async () => {
    const r = await run(
      podYaml(`  initContainers:
  - {name: migrate, image: busybox, command: [sh, -c, "exit 3"]}
  containers:
  - {name: main, image: busybox, command: [sh, -c, "echo never"]}
`),
    )
    expect(r.status).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.notices).toContain('init container `migrate` exited with status 3')
  })

  it('exits with the status of the last container that failed', async () => {
    const r = await run(
      podYaml(`  containers:
  - {name: a, image: busybox, command: [sh, -c, "exit 4"]}
  - {name: b, image: busybox, command: [sh, -c, "exit 0"]}
  - {name: c, image: busybox, command: [sh, -c, "exit 7"]}
`),
    )
    expect(r.status).toBe(7)
  })

  it('reports a command that cannot start with status 128, as kubelet does', async () => {
    const r = await run(
      podYaml('  containers:\n  - {name: a, image: x, command: [no-such-program-here]}\n'),
    )
    expect(r.status).toBe(128)
    expect(r.notices).toContain(
      'container `a` could not start: exec `no-such-program-here`: executable file not found in PATH',
    )
  })

  it('stops the pod with SIGTERM when aborted', async () => {
    const abort = new AbortController()
    const r = await run(
      podYaml(
        '  containers:\n  - {name: a, image: x, command: [sh, -c, "echo ready; exec sleep 30"]}\n',
      ),
      { signal: abort.signal, onStdout: (t) => t.includes('ready') && abort.abort() },
    )
    expect(r.stdout).toBe('ready\n')
    expect(r.status).toBe(143)
  })

  it('refuses an AWS CLI too old for AWS_ENDPOINT_URL before minting or running anything', async () => {
    const bin = fakeAws(
      'aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off',
    )
    const err = await run(
      podYaml(
        '  containers:\n  - {name: my-container, image: amazon/aws-cli, command: ["sh", "-c", "aws eks describe-cluster --name my-cluster"]}\n',
      ),
      { path: `${bin}:${HOST_PATH}` },
    ).catch((e: unknown) => e)
    expect(isLanyardError(err, 'client.outdated')).toBe(true)
    expect((err as Error).message).toBe(
      "container `my-container` runs `aws`, but it is AWS CLI 2.9.19, which ignores AWS_ENDPOINT_URL (honoured from 2.13.0) and would send the pod's calls to real AWS instead of Lanyard: install AWS CLI v2 2.13.0 or later (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)",
    )
  })

  it('runs an AWS CLI that honours AWS_ENDPOINT_URL', async () => {
    const bin = fakeAws('aws-cli/2.27.50 Python/3.13.4 Linux/6.8.0 exe/x86_64.ubuntu.24')
    const r = await run(
      podYaml(
        '  containers:\n  - {name: c, image: amazon/aws-cli, command: [aws], args: [sts, get-caller-identity]}\n',
      ),
      { path: `${bin}:${HOST_PATH}` },
    )
    expect(r.stdout).toBe('fake aws sts get-caller-identity via http://127.0.0.1:9\n')
  })

  it('refuses a container without a command before anything runs', async () => {
    await expect(
      run(podYaml('  containers:\n  - {name: c, image: amazon/aws-cli}\n')),
    ).rejects.toThrow(
      'container `c` has no command and the entrypoint of image `amazon/aws-cli` is unknown without pulling it: set `command` in the manifest',
    )
  })
})
