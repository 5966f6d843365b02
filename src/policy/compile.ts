import { LanyardError } from '../errors.js'
import { compileActions } from './action.js'
import { type CompiledCondition, compileCondition } from './conditions/condition.js'
import { type CompiledPrincipal, compilePrincipal } from './principal.js'
import { compileResource, type ResourceMatcher } from './resource.js'
import type {
  PolicyDocument,
  PolicyKind,
  PolicyStatement,
  StatementRef,
  StringOrList,
} from './types.js'
import { validateDocument } from './validate.js'
import type { WildcardPattern } from './wildcard.js'

/** A statement compiled once: every pattern and value pre-parsed, ready to evaluate. */
export interface CompiledStatement {
  readonly ref: StatementRef
  readonly deny: boolean
  readonly notAction: boolean
  readonly actions: readonly WildcardPattern[]
  /** `Action`/`NotAction` as written. */
  readonly actionSources: readonly string[]
  /** 0: neither `Resource` nor `NotResource`; 1: `Resource`; 2: `NotResource`. */
  readonly resourceMode: 0 | 1 | 2
  readonly resources: readonly ResourceMatcher[]
  /** 0: neither `Principal` nor `NotPrincipal`; 1: `Principal`; 2: `NotPrincipal`. */
  readonly principalMode: 0 | 1 | 2
  readonly principal: CompiledPrincipal | undefined
  readonly conditions: readonly CompiledCondition[]
}

/** A policy compiled once, evaluated many times by {@link evaluatePolicies}. */
export interface CompiledPolicy {
  /** Label reported in decisions, e.g. `trust` or `inline:MyPolicy`. */
  readonly label: string
  readonly kind: PolicyKind | undefined
  /** `Version` of the document; policy variables exist only with `2012-10-17`. */
  readonly version: '2012-10-17' | '2008-10-17' | undefined
  readonly document: PolicyDocument
  readonly statements: readonly CompiledStatement[]
}

/** Options of {@link compilePolicy}. */
export interface CompileOptions {
  /** Label reported in decisions; defaults to the kind, or `policy`. */
  readonly label?: string
  /** Kind of policy: applies the kind's grammar rules (see {@link PolicyKind}). */
  readonly kind?: PolicyKind
}

function asList(v: StringOrList | undefined): readonly string[] {
  if (v === undefined) return []
  return typeof v === 'string' ? [v] : v
}

function compileStatement(
  s: PolicyStatement,
  index: number,
  label: string,
  variables: boolean,
): CompiledStatement {
  const ref: StatementRef = Object.freeze(
    s.Sid === undefined
      ? { policy: label, index, effect: s.Effect }
      : { policy: label, index, sid: s.Sid, effect: s.Effect },
  )
  const notAction = s.Action === undefined && s.NotAction !== undefined
  const actionSources = asList(notAction ? s.NotAction : s.Action)
  const resourceMode = s.Resource !== undefined ? 1 : s.NotResource !== undefined ? 2 : 0
  const resources = asList(resourceMode === 2 ? s.NotResource : s.Resource).map((r) =>
    compileResource(r, variables),
  )
  const principalMode = s.Principal !== undefined ? 1 : s.NotPrincipal !== undefined ? 2 : 0
  const principalValue = principalMode === 1 ? s.Principal : s.NotPrincipal
  const conditions: CompiledCondition[] = []
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      conditions.push(compileCondition(operator, key, values, variables))
    }
  }
  return {
    ref,
    deny: s.Effect === 'Deny',
    notAction,
    actions: compileActions(actionSources),
    actionSources,
    resourceMode,
    resources,
    principalMode,
    principal: principalValue === undefined ? undefined : compilePrincipal(principalValue),
    conditions,
  }
}

/**
 * Compiles a document that already passed validation. INVARIANT: `document` is valid for
 * `options.kind` (use {@link parsePolicy} for untrusted text).
 */
export function compileValidDocument(
  document: PolicyDocument,
  options: CompileOptions = {},
): CompiledPolicy {
  const label = options.label ?? options.kind ?? 'policy'
  const version = document.Version
  // reference_policies_elements_version: variables were introduced in 2012-10-17.
  const variables = version === '2012-10-17'
  const list: readonly PolicyStatement[] = Array.isArray(document.Statement)
    ? (document.Statement as readonly PolicyStatement[])
    : [document.Statement as PolicyStatement]
  return Object.freeze({
    label,
    kind: options.kind,
    version,
    document,
    statements: Object.freeze(list.map((s, i) => compileStatement(s, i, label, variables))),
  })
}

/**
 * Compiles a policy document given as a value (for trusted documents, e.g. from the store).
 * The document is validated first; an invalid one throws `LanyardError('policy.malformed')`.
 *
 * @example
 * const trust = compilePolicy(document, { label: 'trust', kind: 'trust' })
 */
export function compilePolicy(
  document: PolicyDocument,
  options: CompileOptions = {},
): CompiledPolicy {
  const issues = validateDocument(document, options.kind)
  const first = issues[0]
  if (first !== undefined) {
    throw new LanyardError(
      'policy.malformed',
      `policy document is invalid at \`${first.path}\`: ${first.code} (${issues.length} issue${issues.length === 1 ? '' : 's'})`,
    )
  }
  return compileValidDocument(document, options)
}
