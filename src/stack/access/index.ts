/**
 * The effective-access diff of a stack change (what no IAM tool shows before apply): who gains or
 * loses the ability to assume which roles, which role → action → resource grants appear or
 * disappear, and the lint findings of the trust policies written. Pure: works on resolved
 * resource views (src/stack/engine/changes.ts `planStack`).
 */
export type { AccessDiff } from './diff.js'
export { accessDiff, accessLines, grantsOf, shown } from './diff.js'
export type { RoleAccess } from './roles.js'
export { rolesOf } from './roles.js'
