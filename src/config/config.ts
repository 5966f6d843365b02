import { z } from 'zod'
import { LanyardError } from '../errors.js'

/** Every server setting. Precedence: command-line flags > environment (`LANYARD_*`) > defaults. */
export const ConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(4566),
  dataDir: z.string().min(1).default('./.lanyard'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must look like an AWS region, e.g. `us-east-1`')
    .default('us-east-1'),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be 12 digits')
    .optional(),
  issuerBaseUrl: z.url().optional(),
  tls: z.enum(['auto', 'off']).default('off'),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  strictTrust: z.boolean().default(false),
  explainDenials: z.boolean().default(false),
  maxBodyBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Also append every audit record as one JSON line to this file (0600). */
  auditLog: z.string().min(1).optional(),
  /** Audit records older than this many days are deleted (0: never), as CloudTrail keeps 90. */
  auditRetentionDays: z.coerce.number().int().min(0).max(36_500).default(90),
  /**
   * Server processes answering requests on the one port (node's `cluster`); `auto`: one per CPU.
   * Each writes its own audit journal; they share the database.
   */
  workers: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
  /** Quota overrides, `name=value` (e.g. `trustPolicySize=4096`); AWS's quotas otherwise. */
  limits: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v, ctx) => parseLimits(v, ctx)),
})

/** `a=1,b=2` or a list of `a=1` → `{ a: 1, b: 2 }` with positive whole numbers. */
function parseLimits(
  value: string | string[] | undefined,
  ctx: z.RefinementCtx,
): Record<string, number> {
  const out: Record<string, number> = {}
  const items = (Array.isArray(value) ? value : (value ?? '').split(',')).filter(
    (i) => i.trim() !== '',
  )
  for (const item of items) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(\d{1,9})\s*$/.exec(item)
    if (!m || Number(m[2]) <= 0) {
      ctx.addIssue({ code: 'custom', message: `\`${item}\` is not name=positive-number` })
      continue
    }
    out[m[1] as string] = Number(m[2])
  }
  return out
}

export type Config = z.infer<typeof ConfigSchema>
export type ConfigInput = { [K in keyof Config]?: string | string[] | number | boolean | undefined }

/** Environment variable for each setting. */
export const ENV_NAMES: Record<keyof Config, string> = {
  host: 'LANYARD_HOST',
  port: 'LANYARD_PORT',
  dataDir: 'LANYARD_DATA_DIR',
  region: 'LANYARD_REGION',
  accountId: 'LANYARD_ACCOUNT_ID',
  issuerBaseUrl: 'LANYARD_ISSUER_BASE_URL',
  tls: 'LANYARD_TLS',
  tlsCert: 'LANYARD_TLS_CERT',
  tlsKey: 'LANYARD_TLS_KEY',
  strictTrust: 'LANYARD_STRICT_TRUST',
  explainDenials: 'LANYARD_EXPLAIN_DENIALS',
  maxBodyBytes: 'LANYARD_MAX_BODY_BYTES',
  auditLog: 'LANYARD_AUDIT_LOG',
  auditRetentionDays: 'LANYARD_AUDIT_RETENTION_DAYS',
  logLevel: 'LANYARD_LOG_LEVEL',
  limits: 'LANYARD_LIMITS',
  workers: 'LANYARD_WORKERS',
}

const BOOLEAN_KEYS = new Set<keyof Config>(['strictTrust', 'explainDenials'])

function fromEnv(env: Record<string, string | undefined>): ConfigInput {
  const out: Record<string, string | boolean> = {}
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof Config, string][]) {
    const value = env[name]
    if (value === undefined || value === '') continue
    out[key] = BOOLEAN_KEYS.has(key) ? /^(1|true|yes|on)$/i.test(value) : value
  }
  return out
}

/** Resolves the configuration from flags and environment; throws `config.invalid` listing every problem. */
export function loadConfig(options: {
  flags?: ConfigInput
  env?: Record<string, string | undefined>
}): Config {
  const flags = Object.fromEntries(
    Object.entries(options.flags ?? {}).filter(([, v]) => v !== undefined),
  )
  const merged = { ...fromEnv(options.env ?? {}), ...flags }
  const parsed = ConfigSchema.safeParse(merged)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new LanyardError('config.invalid', `invalid configuration: ${problems.join('; ')}`)
  }
  const config = parsed.data
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new LanyardError(
      'config.invalid',
      'invalid configuration: `--tls-cert` and `--tls-key` go together',
    )
  }
  if (config.tlsCert !== undefined && config.tls === 'auto') {
    throw new LanyardError(
      'config.invalid',
      'invalid configuration: choose `--tls auto` or `--tls-cert`/`--tls-key`, not both',
    )
  }
  return config
}

/** True when the server speaks HTTPS. */
export const isTls = (config: Config): boolean =>
  config.tls === 'auto' || config.tlsCert !== undefined

/** The reading of the process environment, kept here: nothing else reads `process.env`. */
export const processEnv = (): Record<string, string | undefined> => process.env

/**
 * The AWS SDK warns on Node < 22 that *future* SDK releases will need Node 22. Lanyard pins its
 * SDK version in the lockfile, so the CLI's own clients silence that notice unless the user set
 * the variable themselves.
 */
export function quietSdkVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
}
