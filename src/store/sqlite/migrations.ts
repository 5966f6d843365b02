/**
 * Schema migrations, applied in order inside one transaction on open. Never edit a shipped
 * migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE oidc_providers (
    arn TEXT PRIMARY KEY, url TEXT NOT NULL UNIQUE, client_ids TEXT NOT NULL,
    thumbprints TEXT NOT NULL, tags TEXT NOT NULL, create_date TEXT NOT NULL, jwks TEXT
  );
  CREATE TABLE roles (
    role_id TEXT PRIMARY KEY, role_name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL, arn TEXT NOT NULL, trust_policy TEXT NOT NULL, description TEXT,
    max_session_duration INTEGER NOT NULL, boundary_arn TEXT, tags TEXT NOT NULL,
    create_date TEXT NOT NULL, last_used_date TEXT, last_used_region TEXT
  );
  CREATE INDEX roles_path ON roles (path, name_key);
  CREATE TABLE role_policies (
    name_key TEXT NOT NULL, policy_name TEXT NOT NULL, document TEXT NOT NULL,
    seq INTEGER NOT NULL, PRIMARY KEY (name_key, policy_name)
  );
  CREATE TABLE managed_policies (
    arn TEXT PRIMARY KEY, policy_id TEXT NOT NULL UNIQUE, policy_name TEXT NOT NULL,
    path TEXT NOT NULL, default_version_id TEXT NOT NULL, description TEXT, tags TEXT NOT NULL,
    create_date TEXT NOT NULL, update_date TEXT NOT NULL, next_version INTEGER NOT NULL
  );
  CREATE TABLE policy_versions (
    policy_arn TEXT NOT NULL, version_id TEXT NOT NULL, document TEXT NOT NULL,
    create_date TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (policy_arn, version_id)
  );
  CREATE TABLE role_attachments (
    name_key TEXT NOT NULL, policy_arn TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (name_key, policy_arn)
  );
  CREATE INDEX role_attachments_policy ON role_attachments (policy_arn);
  CREATE TABLE clusters (
    name TEXT PRIMARY KEY, arn TEXT NOT NULL, issuer_id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
    version TEXT NOT NULL, role_arn TEXT, tags TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE TABLE signing_keys (
    cluster_name TEXT NOT NULL, kid TEXT NOT NULL, private_jwk TEXT NOT NULL,
    created_at TEXT NOT NULL, active INTEGER NOT NULL, PRIMARY KEY (cluster_name, kid)
  );
  `,
  `
  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, event_time TEXT NOT NULL,
    event_source TEXT NOT NULL, event_name TEXT NOT NULL, request_id TEXT NOT NULL,
    principal TEXT, error_code TEXT, access_key_id TEXT, jti TEXT, cluster TEXT, namespace TEXT,
    service_account TEXT, pod_name TEXT, pod_uid TEXT, record TEXT NOT NULL
  );
  CREATE INDEX audit_time ON audit_events (event_time);
  CREATE INDEX audit_request ON audit_events (request_id);
  CREATE INDEX audit_principal ON audit_events (principal, event_time);
  CREATE INDEX audit_jti ON audit_events (jti);
  CREATE INDEX audit_access_key ON audit_events (access_key_id);
  `,
  `
  CREATE TABLE stacks (
    stack_id TEXT PRIMARY KEY, stack_name TEXT NOT NULL, status TEXT NOT NULL, seq INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX stacks_name ON stacks (stack_name, status);
  CREATE TABLE stack_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, stack_id TEXT NOT NULL, record TEXT NOT NULL
  );
  CREATE INDEX stack_events_stack ON stack_events (stack_id, seq);
  CREATE TABLE stack_resources (
    stack_id TEXT NOT NULL, logical_id TEXT NOT NULL, physical_id TEXT, seq INTEGER NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (stack_id, logical_id)
  );
  CREATE INDEX stack_resources_physical ON stack_resources (physical_id);
  CREATE TABLE stack_exports (
    name TEXT PRIMARY KEY, stack_id TEXT NOT NULL, value TEXT NOT NULL, seq INTEGER NOT NULL
  );
  CREATE TABLE stack_imports (
    export_name TEXT NOT NULL, stack_id TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (export_name, stack_id)
  );
  CREATE INDEX stack_imports_stack ON stack_imports (stack_id);
  CREATE TABLE change_sets (
    change_set_id TEXT PRIMARY KEY, stack_id TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX change_sets_stack ON change_sets (stack_id, name);
  CREATE TABLE lambda_functions (
    function_name TEXT PRIMARY KEY, arn TEXT NOT NULL UNIQUE, record TEXT NOT NULL
  );
  `,
  // 4: a counter bumped by every committed change to IAM, EKS and stack data (not audit rows),
  // so a server's read cache sees what other connections (the CLI) write.
  `
  CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
  INSERT INTO change_counter (id, n) VALUES (1, 0);
  ${counterTriggers([
    'oidc_providers',
    'roles',
    'role_policies',
    'managed_policies',
    'policy_versions',
    'role_attachments',
    'clusters',
    'signing_keys',
    'stacks',
    'stack_events',
    'stack_resources',
    'stack_exports',
    'stack_imports',
    'change_sets',
    'lambda_functions',
  ])}
  `,
  // 5: how far the indexer has copied the audit journal into audit_events (segment, byte offset),
  // committed with the rows it copied.
  `
  CREATE TABLE audit_journal_position (
    id INTEGER PRIMARY KEY CHECK (id = 1), segment INTEGER NOT NULL, offset INTEGER NOT NULL
  );
  INSERT INTO audit_journal_position (id, segment, offset) VALUES (1, 0, 0);
  `,
  // 6: one position per journal (a server of several worker processes writes one journal each;
  // journal 1 is the one migration 5 tracked).
  `
  CREATE TABLE audit_journal_positions (
    journal INTEGER PRIMARY KEY CHECK (journal >= 1),
    segment INTEGER NOT NULL,
    offset INTEGER NOT NULL
  );
  INSERT INTO audit_journal_positions (journal, segment, offset)
    SELECT 1, segment, offset FROM audit_journal_position;
  DROP TABLE audit_journal_position;
  `,
]

/** Reads journal `?`'s indexed position (migration 6): no row before its first copy. */
export const JOURNAL_POSITION_SQL =
  'SELECT segment, offset FROM audit_journal_positions WHERE journal = ?'

/** Moves journal `?`'s indexed position to (segment `?`, offset `?`) (migration 6). */
export const SET_JOURNAL_POSITION_SQL = `INSERT INTO audit_journal_positions (journal, segment, offset)
  VALUES (?, ?, ?)
  ON CONFLICT(journal) DO UPDATE SET segment = excluded.segment, offset = excluded.offset`

/** Reads the counter migration 4 keeps (see `Store.changeCounter`). */
export const CHANGE_COUNTER_SQL = 'SELECT n FROM change_counter WHERE id = 1'

/**
 * AFTER INSERT/UPDATE/DELETE triggers on each table that bump `change_counter`. Shipped as part
 * of migration 4: never change what it generates.
 */
function counterTriggers(tables: readonly string[]): string {
  return tables
    .flatMap((table) =>
      ['INSERT', 'UPDATE', 'DELETE'].map(
        (op) =>
          `CREATE TRIGGER ${table}_${op.toLowerCase()}_counted AFTER ${op} ON ${table}
  BEGIN UPDATE change_counter SET n = n + 1 WHERE id = 1; END;`,
      ),
    )
    .join('\n  ')
}
