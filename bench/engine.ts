import type { Scenario } from './corpus.js'

/** Decides request `i` of the scenario's cycle: true when allowed. */
export type Decide = (i: number) => boolean

/** An engine under test: prepares a scenario once (policies compiled, requests built). */
export interface Engine {
  readonly name: string
  prepare(scenario: Scenario): Decide
}
