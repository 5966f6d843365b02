import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { DATABASE_FILE } from '../bootstrap/data-dir.js'
import { LanyardError } from '../errors.js'
import type { PlannedChange } from '../stack/engine/changes.js'
import { planStackChange, type StackPlan } from '../stack/engine/plan.js'
import type { GivenParameter } from '../stack/template/index.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { clientContext } from './context.js'

/**
 * `--parameters` values as the AWS CLI takes them (`ParameterKey=K,ParameterValue=V`,
 * `ParameterKey=K,UsePreviousValue=true`) or the short `K=V`.
 */
export function parseParameters(values: readonly string[]): GivenParameter[] {
  return values.map((v) => {
    if (v.startsWith('ParameterKey=')) {
      const fields = Object.fromEntries(
        v.split(',').map((f) => {
          const eq = f.indexOf('=')
          return [f.slice(0, eq), f.slice(eq + 1)]
        }),
      )
      const key = fields.ParameterKey as string
      if (fields.UsePreviousValue === 'true') return { key, usePreviousValue: true }
      return { key, value: fields.ParameterValue ?? '' }
    }
    const eq = v.indexOf('=')
    if (eq <= 0)
      throw new LanyardError(
        'config.invalid',
        `\`${v}\` is not a parameter: use ParameterKey=K,ParameterValue=V or K=V`,
      )
    return { key: v.slice(0, eq), value: v.slice(eq + 1) }
  })
}

function changeLine(c: PlannedChange): string {
  const what = `${c.logicalId} (${c.type})`
  if (c.action === 'Add') return `  + add      ${what}`
  if (c.action === 'Remove') return `  - remove   ${what}`
  const names = c.details.map((d) => d.name).join(', ')
  if (c.replacement === 'True') return `  ± replace  ${what}: ${names}`
  if (c.replacement === 'Conditional')
    return `  ± may replace ${what}: ${names} (known after apply)`
  return `  ~ modify   ${what}: ${names}`
}

/** The plan as printed lines: resource changes, then the effective-access diff. */
export function planLines(plan: StackPlan): string[] {
  const out = [`Stack ${plan.stackName}: ${plan.type === 'CREATE' ? 'create' : 'update'}`]
  out.push(plan.changes.length === 0 ? 'No resource changes.' : 'Resource changes:')
  for (const c of plan.changes) out.push(changeLine(c))
  out.push(
    ...(plan.access.trustGained.length +
      plan.access.trustLost.length +
      plan.access.grantsAdded.length +
      plan.access.grantsRemoved.length ===
    0
      ? ['No change to who can assume which roles or to their grants.']
      : []),
  )
  out.push(...plan.accessSummary)
  return out
}

/**
 * `lanyard stack plan`: what deploying a template would change, computed from the data dir's
 * current state without changing it (the server's DescribeChangeSet shows the same access diff).
 */
export async function planStackCommand(options: {
  dataDir?: string | undefined
  stackName: string
  templateFile: string
  parameters?: readonly string[] | undefined
  capabilities?: readonly string[] | undefined
}): Promise<string[]> {
  const ctx = clientContext(options.dataDir)
  const path = options.templateFile.replace(/^file:\/\//, '')
  let body: string
  try {
    body = readFileSync(path, 'utf8')
  } catch {
    throw new LanyardError('config.invalid', `cannot read the template file \`${path}\``)
  }
  const store = openSqliteStore(join(ctx.config.dataDir, DATABASE_FILE))
  try {
    const plan = await planStackChange(
      { store, accountId: ctx.credentials.accountId, region: ctx.endpoint.region },
      {
        stackName: options.stackName,
        templateBody: body,
        parameters: parseParameters(options.parameters ?? []),
        capabilities: options.capabilities ?? [
          'CAPABILITY_IAM',
          'CAPABILITY_NAMED_IAM',
          'CAPABILITY_AUTO_EXPAND',
        ],
      },
    )
    return planLines(plan)
  } finally {
    await store.close()
  }
}

/** `lanyard stack …` */
export function registerStackCommand(program: Command): void {
  const stack = program.command('stack').description('CloudFormation stacks')
  stack
    .command('plan')
    .description(
      'show what deploying a template would change: resources, and who gains or loses access',
    )
    .requiredOption('--stack-name <name>', 'stack to plan for (created if it does not exist)')
    .requiredOption('--template-file <file>', 'template (YAML or JSON); file:// accepted')
    .option(
      '--parameters <parameters...>',
      'ParameterKey=K,ParameterValue=V (as the AWS CLI) or K=V',
    )
    .option('--capabilities <capabilities...>', 'acknowledged capabilities (default: all)')
    .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
    .action(
      async (o: {
        stackName: string
        templateFile: string
        parameters?: string[]
        capabilities?: string[]
        dataDir?: string
      }) => {
        for (const line of await planStackCommand(o)) console.log(line)
      },
    )
}
