import type { Command } from 'commander'
import { LanyardError } from '../errors.js'

/** Options of `lanyard pod run`, as commander parses them. */
export interface PodRunOptions {
  filename: string[]
  namespace?: string
  cluster?: string
  dataDir?: string
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

/**
 * Registers `lanyard pod run`: runs a Pod's containers as local processes with the credentials
 * the pod identity webhook would give them in a cluster.
 */
export function registerPodCommand(program: Command): void {
  const pod = program.command('pod').description('run Kubernetes Pods locally')
  pod
    .command('run')
    .description(
      'run the containers of a Pod manifest as local processes with IRSA credentials from Lanyard',
    )
    .requiredOption(
      '-f, --filename <file>',
      'manifest file (multi-document YAML; - for stdin), repeatable: the ServiceAccount and the Pod',
      collect,
    )
    .option('-n, --namespace <ns>', 'namespace of objects that name none (as kubectl apply -n)')
    .option('--cluster <name>', 'cluster whose issuer signs the token (default: the only cluster)')
    .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
    .action(async (_o: PodRunOptions) => {
      throw new LanyardError('request.invalid', '`lanyard pod run` is not implemented yet')
    })
}
