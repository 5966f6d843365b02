/** `arn:aws:iam::<account>:role/<path/>name` → its parts; undefined when it is not a role ARN. */
export function parseRoleArn(
  arn: string,
): { account: string; name: string; path: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]{1,64})$/.exec(arn)
  if (!m) return undefined
  return { account: m[1] as string, path: m[2] as string, name: m[3] as string }
}

/** `arn:aws:sts::<account>:assumed-role/<role-name>/<session>`: the role name without its path. */
export const assumedRoleArn = (account: string, roleName: string, session: string): string =>
  `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`
