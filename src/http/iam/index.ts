/** The IAM awsQuery wire layer (actions, parameters, XML shapes) over src/iam. */
export type { FindingSubject, IamWarn } from './findings.js'
export { LINT_WARNING } from './findings.js'
export { createIamQueryService, IAM_NAMESPACE } from './service.js'
export { awsDate, PERMISSIONS_BOUNDARY_TYPE, policyDocumentXml } from './wire-shapes.js'
