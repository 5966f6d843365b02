import { chmodSync, closeSync, openSync } from 'node:fs'
import Database from 'better-sqlite3'
import type {
  AuditQuery,
  AuditRecord,
  JournalPosition,
  ListOptions,
  Page,
  Store,
  StoreTx,
} from '../ports.js'
import { AUDIT_INSERT_SQL, auditValues } from './audit-sql.js'
import { CHANGE_COUNTER_SQL, JOURNAL_POSITION_SQL, MIGRATIONS } from './migrations.js'
import {
  toAuditRecord,
  toCluster,
  toManagedPolicy,
  toOidcProvider,
  toPolicyVersion,
  toRole,
  toSigningKey,
} from './rows.js'

type Db = Database.Database
type Row = Record<string, unknown>

const encodeMarker = (key: string): string => Buffer.from(key, 'utf8').toString('base64url')
const decodeMarker = (marker: string): string => Buffer.from(marker, 'base64url').toString('utf8')

export interface SqliteStoreOptions {
  /**
   * Leave WAL checkpoints to another connection (the audit indexer thread), so this
   * connection's commits never run one — and its fsync — on the caller's thread. Default false.
   */
  externalCheckpoints?: boolean
}

/** Opens (creating if needed) the SQLite database at `path` (`:memory:` for tests). */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  // The database holds signing keys and the session-sealing key: owner-only, and SQLite creates
  // its -wal and -shm files with the database file's permissions.
  if (path !== ':memory:' && path !== '') {
    closeSync(openSync(path, 'a', 0o600))
    try {
      chmodSync(path, 0o600) // a database made before this rule
    } catch {
      // Not its owner (a read-only look at someone else's data dir): leave the mode alone.
    }
  }
  const db = new Database(path)
  // 16 KiB pages for a new database (an existing one keeps its own: SQLite ignores this then).
  // Audit rows of about 2 KB are most of what is written, each once to the WAL and once more
  // when checkpointed; with 4 KiB pages the audit indexer spent 20-25 % more CPU per row
  // (docs/benchmarks.md).
  db.pragma('page_size = 16384')
  db.pragma('journal_mode = WAL')
  // WAL + NORMAL: a commit survives a crash of the process (kill -9); only power loss can lose
  // the last transactions. FULL would fsync every commit.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  if (options.externalCheckpoints) db.pragma('wal_autocheckpoint = 0')
  migrate(db)
  return createSqliteStore(db)
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)')
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null
  }
  const current = row.v ?? 0
  db.transaction(() => {
    for (let i = current; i < MIGRATIONS.length; i++) {
      db.exec(MIGRATIONS[i] as string)
      db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(i + 1)
    }
  })()
}

function page<T>(
  rows: Row[],
  maxItems: number,
  key: (r: Row) => string,
  map: (r: Row) => T,
): Page<T> {
  if (rows.length <= maxItems) return { items: rows.map(map) }
  const items = rows.slice(0, maxItems)
  return { items: items.map(map), marker: encodeMarker(key(items[items.length - 1] as Row)) }
}

function createSqliteStore(db: Db): Store {
  const q = (sql: string) => db.prepare(sql)
  const s = {
    metaGet: q('SELECT value FROM meta WHERE key = ?'),
    metaSet: q(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    oidcGet: q('SELECT * FROM oidc_providers WHERE arn = ?'),
    oidcByUrl: q('SELECT * FROM oidc_providers WHERE url = ?'),
    oidcList: q('SELECT * FROM oidc_providers ORDER BY arn'),
    oidcCount: q('SELECT COUNT(*) AS n FROM oidc_providers'),
    oidcInsert: q(
      'INSERT INTO oidc_providers (arn, url, client_ids, thumbprints, tags, create_date, jwks) VALUES (@arn, @url, @clientIds, @thumbprints, @tags, @createDate, @jwks)',
    ),
    oidcUpdate: q(
      'UPDATE oidc_providers SET client_ids = @clientIds, thumbprints = @thumbprints, tags = @tags, jwks = @jwks WHERE arn = @arn',
    ),
    oidcDelete: q('DELETE FROM oidc_providers WHERE arn = ?'),
    roleGet: q('SELECT * FROM roles WHERE name_key = ?'),
    roleById: q('SELECT * FROM roles WHERE role_id = ?'),
    roleList: q(
      'SELECT * FROM roles WHERE name_key > ? AND substr(path, 1, length(?)) = ? ORDER BY name_key LIMIT ?',
    ),
    roleCount: q('SELECT COUNT(*) AS n FROM roles'),
    roleInsert: q(
      `INSERT INTO roles (role_id, role_name, name_key, path, arn, trust_policy, description, max_session_duration, boundary_arn, tags, create_date, last_used_date, last_used_region)
       VALUES (@roleId, @roleName, @nameKey, @path, @arn, @trust, @description, @maxSessionDuration, @boundary, @tags, @createDate, @lastUsedDate, @lastUsedRegion)`,
    ),
    roleUpdate: q(
      `UPDATE roles SET trust_policy = @trust, description = @description, max_session_duration = @maxSessionDuration,
       boundary_arn = @boundary, tags = @tags, last_used_date = @lastUsedDate, last_used_region = @lastUsedRegion WHERE role_id = @roleId`,
    ),
    roleDelete: q('DELETE FROM roles WHERE name_key = ?'),
    rpGet: q('SELECT * FROM role_policies WHERE name_key = ? AND policy_name = ?'),
    rpList: q('SELECT * FROM role_policies WHERE name_key = ? ORDER BY policy_name'),
    rpPut: q(
      `INSERT INTO role_policies (name_key, policy_name, document, seq) VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM role_policies))
       ON CONFLICT(name_key, policy_name) DO UPDATE SET document = excluded.document`,
    ),
    rpDelete: q('DELETE FROM role_policies WHERE name_key = ? AND policy_name = ?'),
    mpGet: q('SELECT * FROM managed_policies WHERE arn = ?'),
    mpList: q(
      'SELECT * FROM managed_policies WHERE arn > ? AND substr(path, 1, length(?)) = ? ORDER BY arn LIMIT ?',
    ),
    mpListAttached: q(
      `SELECT * FROM managed_policies WHERE arn > ? AND substr(path, 1, length(?)) = ?
       AND EXISTS (SELECT 1 FROM role_attachments a WHERE a.policy_arn = managed_policies.arn) ORDER BY arn LIMIT ?`,
    ),
    mpCount: q('SELECT COUNT(*) AS n FROM managed_policies'),
    mpInsert: q(
      `INSERT INTO managed_policies (arn, policy_id, policy_name, path, default_version_id, description, tags, create_date, update_date, next_version)
       VALUES (@arn, @policyId, @policyName, @path, @defaultVersionId, @description, @tags, @createDate, @updateDate, @nextVersion)`,
    ),
    mpUpdate: q(
      `UPDATE managed_policies SET default_version_id = @defaultVersionId, description = @description, tags = @tags,
       update_date = @updateDate, next_version = @nextVersion WHERE arn = @arn`,
    ),
    mpDelete: q('DELETE FROM managed_policies WHERE arn = ?'),
    pvGet: q('SELECT * FROM policy_versions WHERE policy_arn = ? AND version_id = ?'),
    pvList: q('SELECT * FROM policy_versions WHERE policy_arn = ? ORDER BY seq DESC'),
    pvInsert: q(
      `INSERT INTO policy_versions (policy_arn, version_id, document, create_date, seq)
       VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM policy_versions))`,
    ),
    pvDelete: q('DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?'),
    pvDeleteAll: q('DELETE FROM policy_versions WHERE policy_arn = ?'),
    attList: q('SELECT policy_arn FROM role_attachments WHERE name_key = ? ORDER BY seq'),
    attCount: q('SELECT COUNT(*) AS n FROM role_attachments WHERE policy_arn = ?'),
    attInsert: q(
      `INSERT INTO role_attachments (name_key, policy_arn, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM role_attachments))
       ON CONFLICT(name_key, policy_arn) DO NOTHING`,
    ),
    attDelete: q('DELETE FROM role_attachments WHERE name_key = ? AND policy_arn = ?'),
    clGet: q('SELECT * FROM clusters WHERE name = ?'),
    clByIssuer: q('SELECT * FROM clusters WHERE issuer_id = ?'),
    clList: q('SELECT * FROM clusters WHERE name > ? ORDER BY name LIMIT ?'),
    clInsert: q(
      `INSERT INTO clusters (name, arn, issuer_id, status, version, role_arn, tags, created_at)
       VALUES (@name, @arn, @issuerId, @status, @version, @roleArn, @tags, @createdAt)`,
    ),
    clDelete: q('DELETE FROM clusters WHERE name = ?'),
    skList: q('SELECT * FROM signing_keys WHERE cluster_name = ? ORDER BY created_at'),
    skInsert: q(
      'INSERT INTO signing_keys (cluster_name, kid, private_jwk, created_at, active) VALUES (?, ?, ?, ?, ?)',
    ),
    skDeleteAll: q('DELETE FROM signing_keys WHERE cluster_name = ?'),
    stGet: q('SELECT record FROM stacks WHERE stack_id = ?'),
    stLive: q(
      "SELECT record FROM stacks WHERE stack_name = ? AND status != 'DELETE_COMPLETE' ORDER BY seq DESC LIMIT 1",
    ),
    stList: q('SELECT record FROM stacks ORDER BY seq'),
    stInsert: q(
      'INSERT INTO stacks (stack_id, stack_name, status, seq, record) VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stacks), ?)',
    ),
    stUpdate: q('UPDATE stacks SET status = ?, record = ? WHERE stack_id = ?'),
    seAppend: q('INSERT INTO stack_events (stack_id, record) VALUES (?, ?)'),
    seList: q('SELECT record FROM stack_events WHERE stack_id = ? ORDER BY seq DESC'),
    srGet: q('SELECT record FROM stack_resources WHERE stack_id = ? AND logical_id = ?'),
    srList: q('SELECT record FROM stack_resources WHERE stack_id = ? ORDER BY seq'),
    srByPhysical: q('SELECT record FROM stack_resources WHERE physical_id = ? ORDER BY seq'),
    srPut: q(
      `INSERT INTO stack_resources (stack_id, logical_id, physical_id, seq, record)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stack_resources), ?)
       ON CONFLICT(stack_id, logical_id) DO UPDATE SET physical_id = excluded.physical_id, record = excluded.record`,
    ),
    srDelete: q('DELETE FROM stack_resources WHERE stack_id = ? AND logical_id = ?'),
    exGet: q('SELECT * FROM stack_exports WHERE name = ?'),
    exList: q('SELECT * FROM stack_exports ORDER BY seq'),
    exPut: q(
      `INSERT INTO stack_exports (name, stack_id, value, seq) VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stack_exports))
       ON CONFLICT(name) DO UPDATE SET stack_id = excluded.stack_id, value = excluded.value`,
    ),
    exDelete: q('DELETE FROM stack_exports WHERE name = ?'),
    imList: q('SELECT stack_id FROM stack_imports WHERE export_name = ? ORDER BY seq'),
    imAdd: q(
      `INSERT INTO stack_imports (export_name, stack_id, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stack_imports))
       ON CONFLICT(export_name, stack_id) DO NOTHING`,
    ),
    imRemove: q('DELETE FROM stack_imports WHERE stack_id = ?'),
    csGet: q('SELECT record FROM change_sets WHERE change_set_id = ?'),
    csByName: q('SELECT record FROM change_sets WHERE stack_id = ? AND name = ?'),
    csList: q('SELECT record FROM change_sets WHERE stack_id = ? ORDER BY seq'),
    csPut: q(
      `INSERT INTO change_sets (change_set_id, stack_id, name, seq, record)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM change_sets), ?)
       ON CONFLICT(change_set_id) DO UPDATE SET record = excluded.record`,
    ),
    csDelete: q('DELETE FROM change_sets WHERE change_set_id = ?'),
    lfGet: q('SELECT record FROM lambda_functions WHERE function_name = ?'),
    lfByArn: q('SELECT record FROM lambda_functions WHERE arn = ?'),
    lfPut: q(
      `INSERT INTO lambda_functions (function_name, arn, record) VALUES (?, ?, ?)
       ON CONFLICT(function_name) DO UPDATE SET arn = excluded.arn, record = excluded.record`,
    ),
    lfDelete: q('DELETE FROM lambda_functions WHERE function_name = ?'),
    changeCounter: q(CHANGE_COUNTER_SQL).pluck(),
    auditInsert: q(AUDIT_INSERT_SQL),
    journalPosition: q(JOURNAL_POSITION_SQL),
  }
  const auditColumns = {
    since: 'event_time >= ?',
    until: 'event_time < ?',
    eventName: 'event_name = ?',
    principal: 'principal = ?',
    requestId: 'request_id = ?',
    accessKeyId: 'access_key_id = ?',
    jti: 'jti = ?',
  } as const
  const auditQueries = new Map<string, Database.Statement>()
  const queryAudit = (query: AuditQuery): AuditRecord[] => {
    const keys = (Object.keys(auditColumns) as (keyof typeof auditColumns)[]).filter(
      (k) => query[k] !== undefined,
    )
    const sqlKey = keys.join(',')
    let stmt = auditQueries.get(sqlKey)
    if (!stmt) {
      const where =
        keys.length === 0 ? '' : `WHERE ${keys.map((k) => auditColumns[k]).join(' AND ')}`
      // Newest first by event time (the index on it, or on principal and time, serves the
      // order): several journals are copied in whatever order their indexers run, and an IAM
      // change's record is inserted at once, so the row order alone is not the time order.
      stmt = q(`SELECT * FROM audit_events ${where} ORDER BY event_time DESC, seq DESC LIMIT ?`)
      auditQueries.set(sqlKey, stmt)
    }
    return all(stmt, ...keys.map((k) => query[k]), query.limit).map(toAuditRecord)
  }
  const get = (stmt: Database.Statement, ...args: unknown[]) => stmt.get(...args) as Row | undefined
  const all = (stmt: Database.Statement, ...args: unknown[]) => stmt.all(...args) as Row[]
  const count = (stmt: Database.Statement, ...args: unknown[]) =>
    (stmt.get(...args) as { n: number }).n
  /** JSON-document rows: the `record` column parsed. */
  const doc = <T>(r: Row | undefined): T | undefined =>
    r === undefined ? undefined : (JSON.parse(r.record as string) as T)
  const docs = <T>(rows: Row[]): T[] => rows.map((r) => JSON.parse(r.record as string) as T)
  const nameKey = (name: string) => name.toLowerCase()
  const json = (v: unknown) => JSON.stringify(v)
  const nul = (v: string | undefined) => v ?? null

  const listPaged = (stmt: Database.Statement, o: ListOptions): Row[] => {
    const after = o.marker === undefined ? '' : decodeMarker(o.marker)
    const prefix = o.pathPrefix ?? '/'
    return all(stmt, after, prefix, prefix, o.maxItems + 1)
  }

  const tx: StoreTx = {
    meta: {
      get: async (key) => (get(s.metaGet, key)?.value as string | undefined) ?? undefined,
      set: async (key, value) => {
        s.metaSet.run(key, value)
      },
    },
    oidcProviders: {
      get: async (arn) => {
        const r = get(s.oidcGet, arn)
        return r && toOidcProvider(r)
      },
      getByUrl: async (url) => {
        const r = get(s.oidcByUrl, url)
        return r && toOidcProvider(r)
      },
      list: async () => all(s.oidcList).map(toOidcProvider),
      count: async () => count(s.oidcCount),
      insert: async (p) => {
        s.oidcInsert.run({
          arn: p.arn,
          url: p.url,
          clientIds: json(p.clientIds),
          thumbprints: json(p.thumbprints),
          tags: json(p.tags),
          createDate: p.createDate,
          jwks: nul(p.jwks),
        })
      },
      update: async (p) => {
        s.oidcUpdate.run({
          arn: p.arn,
          clientIds: json(p.clientIds),
          thumbprints: json(p.thumbprints),
          tags: json(p.tags),
          jwks: nul(p.jwks),
        })
      },
      delete: async (arn) => s.oidcDelete.run(arn).changes > 0,
    },
    roles: {
      get: async (name) => {
        const r = get(s.roleGet, nameKey(name))
        return r && toRole(r)
      },
      getById: async (id) => {
        const r = get(s.roleById, id)
        return r && toRole(r)
      },
      list: async (o) =>
        page(listPaged(s.roleList, o), o.maxItems, (r) => r.name_key as string, toRole),
      count: async () => count(s.roleCount),
      insert: async (r) => {
        s.roleInsert.run({
          roleId: r.roleId,
          roleName: r.roleName,
          nameKey: nameKey(r.roleName),
          path: r.path,
          arn: r.arn,
          trust: r.assumeRolePolicyDocument,
          description: nul(r.description),
          maxSessionDuration: r.maxSessionDuration,
          boundary: nul(r.permissionsBoundaryArn),
          tags: json(r.tags),
          createDate: r.createDate,
          lastUsedDate: nul(r.lastUsedDate),
          lastUsedRegion: nul(r.lastUsedRegion),
        })
      },
      update: async (r) => {
        s.roleUpdate.run({
          roleId: r.roleId,
          trust: r.assumeRolePolicyDocument,
          description: nul(r.description),
          maxSessionDuration: r.maxSessionDuration,
          boundary: nul(r.permissionsBoundaryArn),
          tags: json(r.tags),
          lastUsedDate: nul(r.lastUsedDate),
          lastUsedRegion: nul(r.lastUsedRegion),
        })
      },
      delete: async (name) => s.roleDelete.run(nameKey(name)).changes > 0,
    },
    rolePolicies: {
      get: async (role, policy) => {
        const r = get(s.rpGet, nameKey(role), policy)
        return (
          r && {
            roleName: role,
            policyName: r.policy_name as string,
            document: r.document as string,
          }
        )
      },
      list: async (role) =>
        all(s.rpList, nameKey(role)).map((r) => ({
          roleName: role,
          policyName: r.policy_name as string,
          document: r.document as string,
        })),
      put: async (p) => {
        s.rpPut.run(nameKey(p.roleName), p.policyName, p.document)
      },
      delete: async (role, policy) => s.rpDelete.run(nameKey(role), policy).changes > 0,
    },
    managedPolicies: {
      get: async (arn) => {
        const r = get(s.mpGet, arn)
        return r && toManagedPolicy(r)
      },
      list: async (o) =>
        page(
          listPaged(o.onlyAttached ? s.mpListAttached : s.mpList, o),
          o.maxItems,
          (r) => r.arn as string,
          toManagedPolicy,
        ),
      count: async () => count(s.mpCount),
      insert: async (p) => {
        s.mpInsert.run({ ...p, description: nul(p.description), tags: json(p.tags) })
      },
      update: async (p) => {
        s.mpUpdate.run({
          arn: p.arn,
          defaultVersionId: p.defaultVersionId,
          description: nul(p.description),
          tags: json(p.tags),
          updateDate: p.updateDate,
          nextVersion: p.nextVersion,
        })
      },
      delete: async (arn) => {
        s.pvDeleteAll.run(arn)
        return s.mpDelete.run(arn).changes > 0
      },
      getVersion: async (arn, versionId) => {
        const r = get(s.pvGet, arn, versionId)
        return r && toPolicyVersion(r)
      },
      listVersions: async (arn) => all(s.pvList, arn).map(toPolicyVersion),
      insertVersion: async (v) => {
        s.pvInsert.run(v.policyArn, v.versionId, v.document, v.createDate)
      },
      deleteVersion: async (arn, versionId) => s.pvDelete.run(arn, versionId).changes > 0,
    },
    attachments: {
      listForRole: async (role) => all(s.attList, nameKey(role)).map((r) => r.policy_arn as string),
      countForPolicy: async (arn) => count(s.attCount, arn),
      attach: async (role, arn) => {
        s.attInsert.run(nameKey(role), arn)
      },
      detach: async (role, arn) => s.attDelete.run(nameKey(role), arn).changes > 0,
    },
    clusters: {
      get: async (name) => {
        const r = get(s.clGet, name)
        return r && toCluster(r)
      },
      getByIssuerId: async (id) => {
        const r = get(s.clByIssuer, id)
        return r && toCluster(r)
      },
      list: async (o) => {
        const after = o.marker === undefined ? '' : decodeMarker(o.marker)
        return page(
          all(s.clList, after, o.maxItems + 1),
          o.maxItems,
          (r) => r.name as string,
          toCluster,
        )
      },
      insert: async (c) => {
        s.clInsert.run({ ...c, roleArn: nul(c.roleArn), tags: json(c.tags) })
      },
      delete: async (name) => s.clDelete.run(name).changes > 0,
    },
    signingKeys: {
      listForCluster: async (name) => all(s.skList, name).map(toSigningKey),
      insert: async (k) => {
        s.skInsert.run(k.clusterName, k.kid, k.privateJwk, k.createdAt, k.active ? 1 : 0)
      },
      deleteForCluster: async (name) => {
        s.skDeleteAll.run(name)
      },
    },
    stacks: {
      get: async (id) => doc(get(s.stGet, id)),
      getLive: async (name) => doc(get(s.stLive, name)),
      list: async () => docs(all(s.stList)),
      insert: async (r) => {
        s.stInsert.run(r.stackId, r.stackName, r.status, json(r))
      },
      update: async (r) => {
        s.stUpdate.run(r.status, json(r), r.stackId)
      },
    },
    stackEvents: {
      append: async (e) => {
        s.seAppend.run(e.stackId, json(e))
      },
      list: async (stackId) => docs(all(s.seList, stackId)),
    },
    stackResources: {
      get: async (stackId, logicalId) => doc(get(s.srGet, stackId, logicalId)),
      list: async (stackId) => docs(all(s.srList, stackId)),
      findByPhysicalId: async (physicalId) => docs(all(s.srByPhysical, physicalId)),
      put: async (r) => {
        s.srPut.run(r.stackId, r.logicalId, nul(r.physicalId), json(r))
      },
      delete: async (stackId, logicalId) => s.srDelete.run(stackId, logicalId).changes > 0,
    },
    stackExports: {
      get: async (name) => {
        const r = get(s.exGet, name)
        return (
          r && { name: r.name as string, stackId: r.stack_id as string, value: r.value as string }
        )
      },
      list: async () =>
        all(s.exList).map((r) => ({
          name: r.name as string,
          stackId: r.stack_id as string,
          value: r.value as string,
        })),
      put: async (e) => {
        s.exPut.run(e.name, e.stackId, e.value)
      },
      delete: async (name) => s.exDelete.run(name).changes > 0,
      listImports: async (name) => all(s.imList, name).map((r) => r.stack_id as string),
      addImport: async (name, stackId) => {
        s.imAdd.run(name, stackId)
      },
      removeImports: async (stackId) => {
        s.imRemove.run(stackId)
      },
    },
    changeSets: {
      get: async (id) => doc(get(s.csGet, id)),
      getByName: async (stackId, name) => doc(get(s.csByName, stackId, name)),
      listForStack: async (stackId) => docs(all(s.csList, stackId)),
      put: async (c) => {
        s.csPut.run(c.changeSetId, c.stackId, c.changeSetName, json(c))
      },
      delete: async (id) => s.csDelete.run(id).changes > 0,
    },
    lambdaFunctions: {
      get: async (name) => doc(get(s.lfGet, name)),
      getByArn: async (arn) => doc(get(s.lfByArn, arn)),
      put: async (f) => {
        s.lfPut.run(f.functionName, f.arn, json(f))
      },
      delete: async (name) => s.lfDelete.run(name).changes > 0,
    },
    audit: {
      insertMany: async (records) => {
        for (const r of records) s.auditInsert.run(auditValues(r))
      },
      query: async (query) => queryAudit(query),
      journalPosition: async (journal) =>
        (s.journalPosition.get(journal) as JournalPosition | undefined) ?? {
          segment: 0,
          offset: 0,
        },
    },
  }

  // One connection serves every request, so transactions are serialised here: a second
  // transaction waits for the first to commit or roll back.
  let queue: Promise<unknown> = Promise.resolve()
  const transaction = <T>(fn: (t: StoreTx) => Promise<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(tx)
        db.exec('COMMIT')
        return result
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw err
      }
    }
    const next = queue.then(run, run)
    queue = next.catch(() => undefined)
    return next
  }

  return {
    ...tx,
    transaction,
    // Bumped by the triggers of migration 4 on every IAM/EKS/stack row change, by any connection.
    changeCounter: async () => s.changeCounter.get() as number,
    close: async () => {
      await queue
      db.close()
    },
  }
}
