import { describe, expect, it } from 'vitest'
import { statementSpans } from './statement-positions.js'

/**
 * Figures IAM's simulator answered, reproduced: each case names the observation and rebuilds a
 * document of the same layout (the numbers depend only on the layout). The cases without an AWS
 * figure were computed independently (Python's json.JSONDecoder.raw_decode for the spans).
 */

const pos = (line: number, column: number) => ({ line, column })

// The AWS CLI's simulate-custom-policy example (awscli examples/iam/simulate-custom-policy.rst,
// Apache-2.0): this exact document, answered StartPosition 1:38, EndPosition 1:167.
const CLI_EXAMPLE =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'

const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' }

describe('statementSpans', () => {
  it.each([
    {
      name: 'single statement object, compact (AWS CLI example: 1:38 to 1:167)',
      text: CLI_EXAMPLE,
      spans: [{ start: pos(1, 38), end: pos(1, 167) }],
    },
    {
      // AdministratorAccess is stored with a two-space indent; IAM answers 3:17 to 8:6.
      name: 'array, two-space indent (AdministratorAccess: 3:17 to 8:6)',
      text: JSON.stringify({ Version: '2012-10-17', Statement: [ALLOW_ALL] }, null, 2),
      spans: [{ start: pos(3, 17), end: pos(8, 6) }],
    },
    {
      // simulate-principal-policy example (awscli examples): a one-statement inline policy with
      // a Sid, four-space indent, answered 3:19 to 9:10.
      name: 'array, four-space indent (CLI example: 3:19 to 9:10)',
      text: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Grant-Access-To-CodeCommit-ListRepo',
              Effect: 'Allow',
              Action: 'codecommit:ListRepositories',
              Resource: '*',
            },
          ],
        },
        null,
        4,
      ),
      spans: [{ start: pos(3, 19), end: pos(9, 10) }],
    },
    {
      // Python's json.dumps separators (", ", ": "): the first statement starts at column 41.
      name: 'array after ", " and ": " separators (json.dumps: 1:41)',
      text: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}',
      spans: [{ start: pos(1, 41), end: pos(1, 103) }],
    },
    {
      // A later statement starts right after the previous one's closing brace, before the comma
      // (a bucket policy's two statements: the first ends and the second starts at 1:248).
      name: 'several statements: each starts where the previous one ends',
      text: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}, {"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"a:b","Resource":"*"}]}',
      spans: [
        { start: pos(1, 15), end: pos(1, 60) },
        { start: pos(1, 60), end: pos(1, 108) },
        { start: pos(1, 108), end: pos(1, 157) },
      ],
    },
    {
      name: 'statement array on its own lines: a start may sit at the end of a line',
      text: '{\n  "Statement": [\n    {"Effect":"Allow","Action":"*","Resource":"*"},\n    {"Effect":"Deny","Action":"*","Resource":"*"}\n  ]\n}',
      spans: [
        { start: pos(2, 17), end: pos(3, 51) },
        { start: pos(3, 51), end: pos(4, 50) },
      ],
    },
    {
      name: 'CRLF and a lone CR are one line break each',
      text: '{\r\n"Statement":\r[\r\n{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      spans: [{ start: pos(3, 2), end: pos(4, 47) }],
    },
    {
      name: 'braces, brackets and quotes inside strings, Statement after other keys',
      text: '{"Id":"x{[\\"]}","Version":"2012-10-17","Statement":[{"Sid":"a}]\\"{","Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":["}","{"]}}}]}',
      spans: [{ start: pos(1, 53), end: pos(1, 159) }],
    },
    {
      name: 'a key named Statement deeper down is not the Statement',
      text: '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"Statement":"x"}}}}',
      spans: [{ start: pos(1, 15), end: pos(1, 107) }],
    },
  ])('$name', ({ text, spans }) => {
    expect(statementSpans(text)).toEqual(spans)
  })

  it('an end column is one past the closing brace', () => {
    const text = JSON.stringify({ Statement: [ALLOW_ALL, ALLOW_ALL] })
    for (const span of statementSpans(text)) {
      expect(text[span.end.column - 2]).toBe('}')
    }
  })
})
