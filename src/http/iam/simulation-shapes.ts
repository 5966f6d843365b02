import type {
  EvaluationResult,
  PermissionsBoundaryDecisionDetail,
  ResourceSpecificResult,
  SimulatedStatement,
  TextPosition,
} from '../../iam/index.js'
import { XmlMap, type XmlObject } from '../xml.js'

/**
 * The policy simulator's XML shapes (botocore IAM model: `SimulatePolicyResponse`,
 * `EvaluationResult`, `ResourceSpecificResult`, `Statement`, `Position`; members in model
 * order). `OrganizationsDecisionDetail` is never written: Lanyard has no Organizations ("Only
 * applies if the simulated user's account is part of an organization").
 */

function positionXml(p: TextPosition): XmlObject {
  return { Line: p.line, Column: p.column }
}

function statementXml(s: SimulatedStatement): XmlObject {
  return {
    SourcePolicyId: s.sourcePolicyId,
    SourcePolicyType: s.sourcePolicyType,
    StartPosition: positionXml(s.startPosition),
    EndPosition: positionXml(s.endPosition),
  }
}

function boundaryXml(detail: PermissionsBoundaryDecisionDetail | undefined): XmlObject | undefined {
  return detail && { AllowedByPermissionsBoundary: detail.allowedByPermissionsBoundary }
}

/** `EvalDecisionDetails` is a map: `<entry><key/><value/></entry>` on the wire. */
function decisionDetailsXml(details: Record<string, string> | undefined): XmlMap | undefined {
  return details && new XmlMap(Object.entries(details))
}

function resourceSpecificXml(r: ResourceSpecificResult): XmlObject {
  return {
    EvalResourceName: r.evalResourceName,
    EvalResourceDecision: r.evalResourceDecision,
    MatchedStatements: r.matchedStatements.map(statementXml),
    MissingContextValues: r.missingContextValues,
    PermissionsBoundaryDecisionDetail: boundaryXml(r.permissionsBoundaryDecisionDetail),
  }
}

export function evaluationResultXml(r: EvaluationResult): XmlObject {
  return {
    EvalActionName: r.evalActionName,
    EvalResourceName: r.evalResourceName,
    EvalDecision: r.evalDecision,
    MatchedStatements: r.matchedStatements.map(statementXml),
    MissingContextValues: r.missingContextValues,
    PermissionsBoundaryDecisionDetail: boundaryXml(r.permissionsBoundaryDecisionDetail),
    EvalDecisionDetails: decisionDetailsXml(r.evalDecisionDetails),
    ResourceSpecificResults: r.resourceSpecificResults?.map(resourceSpecificXml),
  }
}
