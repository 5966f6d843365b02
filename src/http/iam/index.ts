/** The IAM awsQuery wire layer (actions, parameters, XML shapes) over src/iam. */
export { createIamQueryService, IAM_NAMESPACE } from './service.js'
export { awsDate, PERMISSIONS_BOUNDARY_TYPE, policyDocumentXml } from './wire-shapes.js'
