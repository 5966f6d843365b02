import type { IamService } from '../../iam/index.js'
import type { QueryService } from '../operation.js'
import type { IamWarn } from './findings.js'
import { oidcOperations } from './oidc-operations.js'
import { policyOperations } from './policy-operations.js'
import { roleOperations } from './role-operations.js'
import { simulationOperations } from './simulation-operations.js'

/** IAM's awsQuery protocol: API version 2010-05-08, SigV4 signing name `iam` ([IAM-MODEL]). */
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/'

/**
 * The IAM awsQuery service over an {@link IamService}: one operation per action, reading the
 * parameters with the botocore IAM model's constraints and answering with AWS's element names
 * and order. `warn` receives one call per lint finding of a policy written by CreateRole,
 * UpdateAssumeRolePolicy, PutRolePolicy, CreatePolicy or CreatePolicyVersion (the XML cannot
 * carry them); without it they are dropped.
 */
export function createIamQueryService(iam: IamService, warn?: IamWarn): QueryService {
  const operations = new Map(
    Object.entries({
      ...oidcOperations(iam),
      ...roleOperations(iam, warn),
      ...policyOperations(iam, warn),
      ...simulationOperations(iam),
    }),
  )
  return { signingName: 'iam', namespace: IAM_NAMESPACE, version: '2010-05-08', operations }
}
