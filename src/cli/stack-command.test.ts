import { describe, expect, it } from 'vitest'
import { planStackChange } from '../stack/engine/plan.js'
import { engineKit, ROOT_ACTOR } from '../stack/engine/test-kit.js'
import { parseParameters, planLines } from './stack-command.js'

describe('lanyard stack plan', () => {
  it.each([
    [['ParameterKey=A,ParameterValue=b'], [{ key: 'A', value: 'b' }]],
    [['ParameterKey=A,ParameterValue=b=c'], [{ key: 'A', value: 'b=c' }]],
    [['ParameterKey=A,UsePreviousValue=true'], [{ key: 'A', usePreviousValue: true }]],
    [
      ['A=b', 'C='],
      [
        { key: 'A', value: 'b' },
        { key: 'C', value: '' },
      ],
    ],
  ])('parses --parameters %j', (args, expected) => {
    expect(parseParameters(args)).toEqual(expected)
  })

  it('refuses a parameter without a key', () => {
    expect(() => parseParameters(['=x'])).toThrow('`=x` is not a parameter')
  })

  it('prints resource changes and the access diff of an update, changing nothing', async () => {
    const k = engineKit()
    const role = (sub: string) =>
      JSON.stringify({
        Resources: {
          R: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: 'App',
              AssumeRolePolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: {
                      Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/A',
                    },
                    Action: 'sts:AssumeRoleWithWebIdentity',
                    Condition: {
                      StringLike: {
                        'oidc.example.com/id/A:sub': sub,
                        'oidc.example.com/id/A:aud': 'sts.amazonaws.com',
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      })
    await k.service.createStack(
      {
        stackName: 'app',
        templateBody: role('system:serviceaccount:test:app'),
        capabilities: ['CAPABILITY_NAMED_IAM'],
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const plan = await planStackChange(
      { store: k.store, accountId: '123456789012', region: 'us-east-1' },
      {
        stackName: 'app',
        templateBody: role('system:serviceaccount:*'),
        parameters: [],
        capabilities: ['CAPABILITY_NAMED_IAM'],
      },
    )
    const lines = planLines(plan)
    expect(lines.slice(0, 5)).toEqual([
      'Stack app: update',
      'Resource changes:',
      '  ~ modify   R (AWS::IAM::Role): AssumeRolePolicyDocument',
      'Who can assume which roles:',
      '  + any service account in any namespace of issuer oidc.example.com/id/A can now assume App',
    ])
    expect(lines).toContain(
      '  - service account app in namespace test of issuer oidc.example.com/id/A can no longer assume App',
    )
    expect(lines.some((l) => l.startsWith('  ! App: error oidc.sub_wildcard_all'))).toBe(true)
    expect((await k.iam.getRole('App')).assumeRolePolicyDocument).toContain(
      'system:serviceaccount:test:app',
    )
    expect(
      await k.store.changeSets.listForStack(
        (await k.service.describeStacks('app'))[0]?.stackId as string,
      ),
    ).toEqual([])
  })
})
