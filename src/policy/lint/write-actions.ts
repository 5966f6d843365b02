/**
 * Which actions write, by a built-in heuristic (no service catalogue is bundled): an action
 * writes when its name starts with one of {@link WRITE_VERBS} (`s3:PutObject`, `iam:PassRole`),
 * or when its pattern could match such a name (`*`, `s3:*`, `s3:*Object`, `s3:P*`). The
 * documented IAM access levels (Write, Permissions management, Tagging) are mostly named with
 * these verbs; write actions named otherwise (`kms:Encrypt`, `ec2:AllocateAddress`) are missed,
 * and a read action whose name starts with a verb (rare) is reported.
 */

/** Verb prefixes of write actions (reference_policies_understand-policy-summary-access-level). */
export const WRITE_VERBS: readonly string[] = [
  'Create',
  'Delete',
  'Put',
  'Update',
  'Attach',
  'Detach',
  'Add',
  'Remove',
  'Set',
  'Tag',
  'Untag',
  'Upload',
  'Modify',
  'Pass',
  'Associate',
  'Disassociate',
  'Enable',
  'Disable',
  'Start',
  'Stop',
  'Terminate',
  'Run',
  'Invoke',
  'Publish',
  'Send',
  'Write',
  'Restore',
  'Reset',
  'Replace',
  'Import',
  'Register',
  'Deregister',
  'Revoke',
  'Authorize',
  'Change',
  'Apply',
  'Cancel',
  'Execute',
  'Reboot',
  'Copy',
  'Rotate',
]

const LOWER_VERBS = WRITE_VERBS.map((v) => v.toLowerCase())

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122
}

/** Whether `name` (the part after `service:`, no wildcard) starts with a write verb. */
function literalIsWrite(name: string): boolean {
  const lower = name.toLowerCase()
  // Names are PascalCase: in `AddressBook` the verb `Add` is not a word of its own. A name
  // written all in lower case gives no word boundaries, so any verb prefix counts.
  const mixedCase = lower !== name
  return LOWER_VERBS.some((verb) => {
    if (!lower.startsWith(verb)) return false
    if (!mixedCase || name.length === verb.length) return true
    return !isLowerLetter(name.charCodeAt(verb.length))
  })
}

/**
 * Whether an `Action` entry allows a write action by the heuristic above. A pattern counts when
 * its literal head (before the first `*`/`?`) could begin a write verb or begins with one.
 */
export function isWriteAction(action: string): boolean {
  if (action === '*') return true
  const colon = action.indexOf(':')
  const name = colon < 0 ? action : action.slice(colon + 1)
  const star = name.search(/[*?]/)
  if (star < 0) return literalIsWrite(name)
  const head = name.slice(0, star).toLowerCase()
  if (head === '') return true
  return LOWER_VERBS.some((verb) => verb.startsWith(head) || head.startsWith(verb))
}
