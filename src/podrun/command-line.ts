import { posix } from 'node:path'
import { LanyardError } from '../errors.js'
import type { Container } from '../webhook/types.js'
import { expandVars } from './expand-vars.js'

function stringList(value: unknown, what: string, container: string): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new LanyardError(
      'request.invalid',
      `${what} of container \`${container}\` must be a list of strings`,
    )
  }
  return value.length === 0 ? undefined : (value as string[])
}

/**
 * The process a container runs, with Kubernetes semantics: `command` replaces the image's
 * ENTRYPOINT and `args` its CMD, both `$(VAR)`-expanded against the container's env. Without a
 * `command` the image's entrypoint would decide, and a local run has no image: that is an error
 * telling the person to write the command into the manifest.
 */
export function containerArgv(container: Container, podEnv: ReadonlyMap<string, string>): string[] {
  const command = stringList(container.command, 'command', container.name)
  const args = stringList(container.args, 'args', container.name) ?? []
  if (!command) {
    const image = typeof container.image === 'string' ? container.image : ''
    throw new LanyardError(
      'request.invalid',
      `container \`${container.name}\` has no command and the entrypoint of image \`${image}\` is unknown without pulling it: set \`command\` in the manifest`,
    )
  }
  const lookup = (name: string) => podEnv.get(name)
  return [...command, ...args].map((part) => expandVars(part, lookup))
}

/** `argv` as a person would type it into a POSIX shell (for notices). */
export function describeArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(' ')
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh'])
// `aws` as a command word of a shell script: at the start, or after a separator or a space.
const AWS_IN_SCRIPT = /(^|[\s;&|(`])aws($|[\s;&|)`])/

/**
 * Whether the container runs the AWS CLI: `aws …` itself, or a shell (`sh -c "… aws …"`) whose
 * script calls it. Used to check the CLI's version before it runs.
 */
export function usesAwsCli(argv: readonly string[]): boolean {
  const program = posix.basename(argv[0] ?? '')
  if (program === 'aws') return true
  if (!SHELLS.has(program)) return false
  const flag = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a))
  const script = flag === -1 ? undefined : argv[flag + 1]
  return script !== undefined && AWS_IN_SCRIPT.test(script)
}
