/**
 * Runs `act` for every node once its dependencies have succeeded, as many at a time as the
 * graph allows (CloudFormation creates independent resources in parallel). After the first
 * failure nothing new starts; work already running finishes.
 */
export async function runGraph(
  order: readonly string[],
  dependencies: ReadonlyMap<string, readonly string[]>,
  act: (id: string) => Promise<void>,
): Promise<{ done: string[]; failed: string[] }> {
  const done: string[] = []
  const failed: string[] = []
  const started = new Set<string>()
  return new Promise((resolve) => {
    let running = 0
    const pump = () => {
      if (failed.length === 0) {
        for (const id of order) {
          if (started.has(id)) continue
          if (!(dependencies.get(id) ?? []).every((d) => done.includes(d))) continue
          started.add(id)
          running++
          act(id).then(
            () => {
              done.push(id)
              running--
              pump()
            },
            () => {
              failed.push(id)
              running--
              pump()
            },
          )
        }
      }
      if (running === 0) resolve({ done, failed })
    }
    pump()
  })
}
