/** Stack states in which no operation runs (a new one may start). */
export const STABLE_STATES = new Set([
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'DELETE_FAILED',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
  'REVIEW_IN_PROGRESS',
])

/** States UpdateStack accepts (using-cfn-updating-stacks-direct). */
export const UPDATABLE_STATES = new Set([
  'CREATE_COMPLETE',
  // Kept by DisableRollback: an update may be tried again.
  'UPDATE_FAILED',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
])

export const isInProgress = (status: string): boolean =>
  status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS'

/** Confirmed text: "Stack:arn:… is in ROLLBACK_COMPLETE state and can not be updated." */
export const cannotUpdate = (stackId: string, status: string): string =>
  `Stack:${stackId} is in ${status} state and can not be updated.`

/** Confirmed text: "Stack with id my-stack does not exist". */
export const stackDoesNotExist = (nameOrId: string): string =>
  `Stack with id ${nameOrId} does not exist`
