/**
 * Public data types of the IAM policy engine. Everything here is plain data: the engine takes
 * these values and returns these values, it never throws on a denial (a denial is a value).
 */

/**
 * Where a policy is attached, which decides the grammar rules that apply to it
 * (reference_policies_elements_principal, access-analyzer-reference-policy-checks):
 * - `identity`: inline or managed policy of a user/role; no `Principal`, `Resource` required
 * - `resource`: resource-based policy; `Principal` required, `NotPrincipal` allowed
 * - `trust`: a role's trust policy (a resource-based policy); `Principal` required,
 *   no `NotPrincipal`, no `Resource`, only STS actions
 * - `session`: session policy passed to AssumeRole*; same grammar as `identity`
 * - `boundary`: permissions boundary; same grammar as `identity`
 */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'session' | 'boundary'

/** One problem found while validating a policy document. */
export interface PolicyIssue {
  /** Stable dotted code, e.g. `effect.invalid` (see {@link POLICY_ISSUE_CODES}). */
  readonly code: string
  /** Where the problem is, e.g. `Statement[0].Condition.StringLikee`; `''` for the document. */
  readonly path: string
  /** A message in the style of AWS `MalformedPolicyDocument` messages. */
  readonly message: string
}

/** A value of `Action`, `Resource`, the `Principal` map entries, etc.: one string or a list. */
export type StringOrList = string | readonly string[]

/** The `Principal` / `NotPrincipal` element. */
export type PolicyPrincipal =
  | '*'
  | {
      readonly AWS?: StringOrList
      readonly Federated?: StringOrList
      readonly Service?: StringOrList
      readonly CanonicalUser?: StringOrList
    }

/** A scalar condition value as JSON allows it (AWS accepts numbers and booleans too). */
export type ConditionScalar = string | number | boolean

/** `Condition` element: operator → key → value(s). */
export type PolicyCondition = Readonly<
  Record<string, Readonly<Record<string, ConditionScalar | readonly ConditionScalar[]>>>
>

/** One statement as written in the policy (the AWS grammar, not normalised). */
export interface PolicyStatement {
  readonly Sid?: string
  readonly Effect: 'Allow' | 'Deny'
  readonly Principal?: PolicyPrincipal
  readonly NotPrincipal?: PolicyPrincipal
  readonly Action?: StringOrList
  readonly NotAction?: StringOrList
  readonly Resource?: StringOrList
  readonly NotResource?: StringOrList
  readonly Condition?: PolicyCondition
}

/** A policy document as written (reference_policies_grammar). */
export interface PolicyDocument {
  readonly Version?: '2012-10-17' | '2008-10-17'
  readonly Id?: string
  readonly Statement: PolicyStatement | readonly PolicyStatement[]
}

/**
 * The request context: condition keys and their values. Keys are looked up
 * case-insensitively (reference_policies_elements_condition: "Condition key names are not
 * case-sensitive"). A `string` is a single-valued key, an array a multivalued key
 * (reference_policies_condition-single-vs-multi-valued-context-keys): pass single-valued keys
 * as strings, because a plain (non `ForAnyValue:`/`ForAllValues:`) operator never matches a
 * multivalued key.
 */
export interface RequestContext {
  get(key: string): string | readonly string[] | undefined
}

/** Who is asking, for `Principal` / `NotPrincipal` matching in resource and trust policies. */
export interface RequestPrincipal {
  /** ARN of the caller: user ARN, or the session ARN (`arn:aws:sts::…:assumed-role/…`). */
  readonly arn?: string
  /** The caller's account id (derived from `arn` when absent). */
  readonly account?: string
  /** Identity provider of a web identity / SAML caller, e.g. the OIDC provider ARN. */
  readonly federated?: string
  /** Service principal, e.g. `lambda.amazonaws.com`. */
  readonly service?: string
  /** Unique id (`AIDA…`, or `AROA…:session` for a role session). */
  readonly userId?: string
  /** For a role session: the role's ARN (derived from an assumed-role `arn` when absent). */
  readonly roleArn?: string
  /** S3 canonical user id. */
  readonly canonicalUser?: string
}

/** What is being authorised. */
export interface AuthzRequest {
  readonly principal?: RequestPrincipal
  /** `service:Action`, e.g. `sts:AssumeRoleWithWebIdentity`; matched case-insensitively. */
  readonly action: string
  /** ARN of the resource; matched case-sensitively. */
  readonly resource: string
  readonly context: RequestContext
}

/** Reference to one statement of one compiled policy. */
export interface StatementRef {
  /** Label given at compile time, e.g. `trust` or `inline:MyPolicy`. */
  readonly policy: string
  /** Index of the statement in the policy (0-based, document order). */
  readonly index: number
  readonly sid?: string
  readonly effect: 'Allow' | 'Deny'
}

/** The final decision kind (reference_policies_evaluation-logic). */
export type DecisionKind = 'allowed' | 'explicitDeny' | 'implicitDeny'

/**
 * Why the decision came out as it did:
 * - `explicitDeny`: a matching `Deny` statement in some policy
 * - `noAllow`: no statement allowed the request (implicit deny)
 * - `boundaryImplicitDeny`: allowed, but the permissions boundary did not allow it
 * - `sessionPolicyImplicitDeny`: allowed, but the session policies did not allow it
 * - `identityAllow`: allowed through identity-based policies
 * - `resourceAllow`: allowed through a resource-based policy (e.g. the trust policy)
 */
export type DecisionReason =
  | 'explicitDeny'
  | 'noAllow'
  | 'boundaryImplicitDeny'
  | 'sessionPolicyImplicitDeny'
  | 'identityAllow'
  | 'resourceAllow'

/** Which family of policies a trace entry comes from. */
export type PolicySource = 'identity' | 'resource' | 'boundary' | 'session'

/**
 * How a `Principal` matched (reference_policies_evaluation-logic, resource-based policies):
 * - `direct`: names the caller itself (user ARN, session ARN, `Federated`, `Service`, `*`, …),
 *   not limited by implicit denies elsewhere
 * - `role`: names the role of a role session; still limited by boundary and session policies
 * - `account`: names the caller's account; delegates to the account, so an identity-based
 *   `Allow` is needed too
 */
export type PrincipalMatchKind = 'direct' | 'role' | 'account'

/** How a condition saw the request value. */
export interface ConditionTrace {
  /** Operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string
  /** Base operator, e.g. `StringLike`. */
  readonly baseOperator: string
  readonly qualifier?: 'ForAllValues' | 'ForAnyValue'
  readonly ifExists: boolean
  /** Condition key as written in the policy. */
  readonly key: string
  /** Policy values as written. */
  readonly values: readonly string[]
  /** Policy values after policy-variable substitution (`null` = unresolvable variable). */
  readonly resolvedValues?: readonly (string | null)[]
  /** Whether the key was present in the request context. */
  readonly present: boolean
  /** The request value(s) seen (absent when `present` is false). */
  readonly requestValue?: string | readonly string[]
  readonly result: boolean
}

/** Why one statement did or did not apply to the request. */
export interface TraceEntry extends StatementRef {
  readonly source: PolicySource
  readonly kind?: PolicyKind
  /** Whether `Action`/`NotAction` matched. */
  readonly action: boolean
  /** Whether `Resource`/`NotResource` matched (`true` when the statement has neither). */
  readonly resource: boolean
  /** Whether `Principal`/`NotPrincipal` matched (`true` when the statement has neither). */
  readonly principal: boolean
  readonly principalMatch?: PrincipalMatchKind
  readonly conditions: readonly ConditionTrace[]
  /** All of the above matched: the statement applies with its effect. */
  readonly matched: boolean
  /** `Action`/`NotAction` values as written (for explanations). */
  readonly actions: readonly string[]
  readonly notAction: boolean
}

/** The decision, a value (never an exception). */
export interface Decision {
  readonly decision: DecisionKind
  readonly reason: DecisionReason
  /**
   * Statements that decided: the matching `Deny` statements for `explicitDeny`, the matching
   * `Allow` statements otherwise (for `implicitDeny`, allows that were not enough).
   */
  readonly matchedStatements: readonly StatementRef[]
  /** Per policy per statement, present when evaluated with `{ trace: true }`. */
  readonly trace?: readonly TraceEntry[]
  /** The request as evaluated, present with `{ trace: true }` (for explanations). */
  readonly request?: { readonly action: string; readonly resource: string }
}
