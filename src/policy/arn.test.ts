import { describe, expect, it } from 'vitest'
import { compileArnPattern, isArn, matchArnPattern, matchArnText, splitArn } from './arn.js'

const RES = 'reference_policies_elements_resource'
const OPS = 'reference_policies_elements_condition_operators'

function matches(pattern: string, arn: string): boolean {
  const compiled = matchArnPattern(compileArnPattern(pattern), splitArn(arn))
  const viaText = matchArnText(pattern, undefined, splitArn(arn))
  expect(viaText).toBe(compiled)
  return compiled
}

describe('ARN matching', () => {
  // IAM-06: the documented S3 example "bucket/*/test/*" (8 matches, 3 non-matches)
  const bucket = 'arn:aws:s3:::DOC-EXAMPLE-BUCKET'
  const docPattern = `${bucket}/*/test/*`
  const docCases: { object: string; match: boolean }[] = [
    { object: '1/test/object.jpg', match: true },
    { object: '1/2/test/object.jpg', match: true },
    { object: '1/2/test/3/object.jpg', match: true },
    { object: '1/2/3/test/4/object.jpg', match: true },
    { object: '1///test///object.jpg', match: true },
    { object: '1/test/.jpg', match: true },
    { object: '/test/object.jpg', match: true },
    { object: '1/test/', match: true },
    { object: '1-test/object.jpg', match: false },
    { object: 'test/object.jpg', match: false },
    { object: '1/2/test.jpg', match: false },
  ]
  it.each(docCases)(`${RES}: bucket/*/test/* vs $object -> $match`, ({ object, match }) => {
    expect(matches(docPattern, `${bucket}/${object}`)).toBe(match)
  })

  const cases: { pattern: string; arn: string; match: boolean; doc: string }[] = [
    {
      pattern: 'arn:aws:iam::123456789012:user/Bob',
      arn: 'arn:aws:iam::123456789012:user/bob',
      match: false,
      doc: `${RES}: IAM-05 resource matching is case-sensitive`,
    },
    {
      pattern: 'arn:aws:iam::123456789012:user/accounting/*',
      arn: 'arn:aws:iam::123456789012:user/accounting/a/b',
      match: true,
      doc: `${RES}: * spans / inside the resource component`,
    },
    {
      pattern: 'arn:aws:sqs:us-east-2:*:queue?',
      arn: 'arn:aws:sqs:us-east-2:123456789012:queue1',
      match: true,
      doc: `${RES}: * and ? inside components`,
    },
    {
      pattern: 'arn:aws:sqs:us-east-2:*:queue?',
      arn: 'arn:aws:sqs:us-east-2:123456789012:queue12',
      match: false,
      doc: `${RES}: ? is exactly one character`,
    },
    {
      pattern: 'arn:aws:someservice:*:111122223333:finance/*',
      arn: 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt',
      match: false,
      doc: `${OPS}: ArnLike checks each component; the region * does not cross colons`,
    },
    {
      pattern: 'arn:aws:s3:::bucket/*',
      arn: 'arn:aws:s3:::bucket/a:b:c',
      match: true,
      doc: `${RES}: the resource component keeps its colons`,
    },
    {
      pattern: 'arn:aws:iam::*',
      arn: 'arn:aws:iam::123456789012:role/x',
      match: true,
      doc: `${RES}: a trailing * in the last given component runs past colons`,
    },
    {
      pattern: 'arn:aws:iam::123456789012',
      arn: 'arn:aws:iam::123456789012:role/x',
      match: false,
      doc: `${RES}: a short pattern without a trailing * matches no full ARN`,
    },
    {
      pattern: 'arn:*',
      arn: 'arn:aws:iam::123456789012:role/x',
      match: true,
      doc: `${RES}: arn:* covers every ARN`,
    },
    {
      pattern: '*',
      arn: 'arn:aws:iam::123456789012:role/x',
      match: true,
      doc: `${RES}: * covers every resource`,
    },
    {
      pattern: 'arn:aws:iam::123456789012:role/x',
      arn: 'arn:aws:iam::123456789012',
      match: false,
      doc: 'a request value with fewer components never matches a full pattern',
    },
    {
      pattern: 'arn:aws:s3:::b.c',
      arn: 'arn:aws:s3:::bxc',
      match: false,
      doc: 'IAM-06: . is literal',
    },
  ]
  it.each(cases)('$pattern vs $arn -> $match ($doc)', ({ pattern, arn, match }) => {
    expect(matches(pattern, arn)).toBe(match)
  })

  it('isArn needs the arn: prefix and six components', () => {
    expect(isArn('arn:aws:s3:::bucket')).toBe(true)
    expect(isArn('arn:aws:s3::bucket')).toBe(false)
    expect(isArn('s3:::bucket:x:y')).toBe(false)
  })

  it('matchArnText honours the literal mask', () => {
    const pattern = 'arn:aws:s3:::a*'
    const mask = new Uint8Array(pattern.length)
    mask[pattern.length - 1] = 1
    expect(matchArnText(pattern, mask, splitArn('arn:aws:s3:::a*'))).toBe(true)
    expect(matchArnText(pattern, mask, splitArn('arn:aws:s3:::ab'))).toBe(false)
  })
})
