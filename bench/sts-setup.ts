import { randomUUID } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import Database from 'better-sqlite3'
import pino from 'pino'
import { CREDENTIALS_FILE, DATABASE_FILE } from '../src/bootstrap/data-dir.js'
import { loadConfig, quietSdkVersionNotice } from '../src/config/config.js'
import { newIamId } from '../src/iam/ids.js'
import { createIssuerService } from '../src/issuer/issuer-service.js'
import { startServer } from '../src/main.js'
import type { RoleRecord } from '../src/store/ports.js'
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js'

/**
 * Builds the stores the STS benchmark runs against, the way an operator would: a real server
 * (in this process, only for the setup) gets a cluster, the cluster's OIDC provider, and an IRSA
 * role whose trust policy has `StringEquals` on `sub` and `aud` and whose inline policy allows
 * `eks:DescribeCluster` on that cluster. The store is then copied, and the copies get 99 and
 * 99,999 more roles (each with its own IRSA trust policy) inserted through the store in one
 * transaction. All copies share the account, sealing key, cluster and issuer, so the same
 * pre-minted tokens are valid against every one.
 */

/** A fixed issuer base, so issuers (and the tokens' `iss`) do not depend on a server's port. */
export const ISSUER_BASE = 'https://oidc.lanyard.bench'
export const CLUSTER_NAME = 'bench-cluster'
export const ROLE_NAME = 'bench-irsa-role'
export const NAMESPACE = 'bench'
export const SERVICE_ACCOUNT = 'bench-sa'
const AUDIENCE = 'sts.amazonaws.com'

export interface StoreDir {
  /** Data dir of a Lanyard server. */
  dir: string
  roles: number
}

export interface BenchFixture {
  root: string
  region: string
  accountId: string
  roleArn: string
  providerArn: string
  /** Data dirs with 1, 100 and 100,000 roles. */
  stores: { one: StoreDir; r100: StoreDir; r100k: StoreDir }
  /** Distinct projected service-account tokens of the cluster, RS256. */
  tokens: string[]
  /** The cluster's public signing key (for the bare `limit` server). */
  publicJwk: Record<string, unknown>
}

const trustPolicy = (providerArn: string, host: string, subject: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${host}:sub`]: subject, [`${host}:aud`]: AUDIENCE },
        },
      },
    ],
  })

async function mintTokens(dir: string, count: number): Promise<string[]> {
  const store = openSqliteStore(join(dir, DATABASE_FILE))
  try {
    const issuers = createIssuerService({
      store,
      issuerBaseUrl: () => ISSUER_BASE,
      now: () => Date.now(),
    })
    const tokens: string[] = []
    // The signatures run on libuv's pool (WebCrypto): a few in flight keep both cores busy.
    const batch = 16
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i)
      const minted = await Promise.all(
        Array.from({ length: n }, (_, k) =>
          issuers.mintToken({
            clusterName: CLUSTER_NAME,
            namespace: NAMESPACE,
            serviceAccount: SERVICE_ACCOUNT,
            podName: `bench-pod-${i + k}`,
            podUid: randomUUID(),
            expirationSeconds: 86_400,
          }),
        ),
      )
      for (const m of minted) tokens.push(m.token)
    }
    return tokens
  } finally {
    await store.close()
  }
}

async function publicKey(dir: string): Promise<Record<string, unknown>> {
  const store = openSqliteStore(join(dir, DATABASE_FILE))
  try {
    const cluster = await store.clusters.get(CLUSTER_NAME)
    if (!cluster) throw new Error('the bench cluster is missing')
    const issuers = createIssuerService({
      store,
      issuerBaseUrl: () => ISSUER_BASE,
      now: () => Date.now(),
    })
    const jwks = await issuers.jwks(cluster.issuerId)
    const key = jwks?.keys[0]
    if (!key) throw new Error('the bench cluster has no signing key')
    return key as unknown as Record<string, unknown>
  } finally {
    await store.close()
  }
}

/** Inserts `count` IRSA roles (one service account each) through the store in one transaction. */
async function addRoles(
  dir: string,
  count: number,
  accountId: string,
  providerArn: string,
  host: string,
): Promise<void> {
  const store = openSqliteStore(join(dir, DATABASE_FILE))
  try {
    const createDate = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    await store.transaction(async (tx) => {
      for (let i = 0; i < count; i++) {
        const roleName = `app-${String(i).padStart(6, '0')}-irsa`
        const record: RoleRecord = {
          roleId: newIamId('AROA'),
          roleName,
          path: '/',
          arn: `arn:aws:iam::${accountId}:role/${roleName}`,
          assumeRolePolicyDocument: trustPolicy(
            providerArn,
            host,
            `system:serviceaccount:team-${i % 500}:app-${i}`,
          ),
          maxSessionDuration: 3600,
          tags: [],
          createDate,
        }
        await tx.roles.insert(record)
      }
    })
  } finally {
    await store.close()
  }
}

/**
 * Creates the fixture under a new temporary directory (the caller removes `root`). With
 * `roles: false` only the store with one role is made (`stores.r100` and `stores.r100k` are then
 * that store too).
 */
export async function createFixture(options: {
  tokens: number
  log: (line: string) => void
  roles?: boolean
}): Promise<BenchFixture> {
  quietSdkVersionNotice()
  const root = mkdtempSync(join(tmpdir(), 'lanyard-sts-bench-'))
  const one = join(root, 'one')
  mkdirSync(one)
  const config = loadConfig({
    flags: { port: 0, dataDir: one, issuerBaseUrl: ISSUER_BASE, logLevel: 'silent' },
    env: {},
  })
  const server = await startServer(config, { logger: pino({ level: 'silent' }) })
  let roleArn: string
  let providerArn: string
  let host: string
  const credentials = JSON.parse(readFileSync(join(one, CREDENTIALS_FILE), 'utf8')) as {
    accountId: string
    accessKeyId: string
    secretAccessKey: string
  }
  try {
    const sdk = {
      endpoint: server.url,
      region: server.region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      },
    }
    const eks = new EKSClient(sdk)
    const iam = new IAMClient(sdk)
    const { cluster } = await eks.send(new CreateClusterCommand({ name: CLUSTER_NAME } as never))
    const issuer = cluster?.identity?.oidc?.issuer as string
    host = issuer.slice('https://'.length)
    const provider = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [AUDIENCE] }),
    )
    providerArn = provider.OpenIDConnectProviderArn as string
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: ROLE_NAME,
        AssumeRolePolicyDocument: trustPolicy(
          providerArn,
          host,
          `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`,
        ),
      }),
    )
    roleArn = role.Role?.Arn as string
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE_NAME,
        PolicyName: 'describe-own-cluster',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: cluster?.arn }],
        }),
      }),
    )
    eks.destroy()
    iam.destroy()
  } finally {
    await server.close()
  }

  let t = Date.now()
  const tokens = await mintTokens(one, options.tokens)
  options.log(`minted ${tokens.length} tokens with the cluster's issuer in ${Date.now() - t} ms`)
  const publicJwk = await publicKey(one)

  const base = {
    root,
    region: config.region,
    accountId: credentials.accountId,
    roleArn,
    providerArn,
    tokens,
    publicJwk,
  }
  if (options.roles === false) {
    const only = { dir: one, roles: 1 }
    return { ...base, stores: { one: only, r100: only, r100k: only } }
  }
  const r100 = join(root, 'r100')
  const r100k = join(root, 'r100k')
  cpSync(one, r100, { recursive: true })
  cpSync(one, r100k, { recursive: true })
  t = Date.now()
  await addRoles(r100, 99, credentials.accountId, providerArn, host)
  await addRoles(r100k, 99_999, credentials.accountId, providerArn, host)
  options.log(`inserted 99 + 99,999 roles in ${Date.now() - t} ms`)

  return {
    ...base,
    stores: {
      one: { dir: one, roles: 1 },
      r100: { dir: r100, roles: 100 },
      r100k: { dir: r100k, roles: 100_000 },
    },
  }
}

/** Audit rows per event name in a (closed) data dir's database, counted by SQLite itself. */
export function auditCounts(dir: string): Map<string, number> {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true })
  try {
    const rows = db
      .prepare('SELECT event_name AS name, COUNT(*) AS n FROM audit_events GROUP BY event_name')
      .all() as { name: string; n: number }[]
    return new Map(rows.map((r) => [r.name, r.n]))
  } finally {
    db.close()
  }
}
