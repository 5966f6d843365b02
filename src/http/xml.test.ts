import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { escapeXml, queryErrorXml, queryResponseXml, XmlMap } from './xml.js'

describe('xml', () => {
  it.each([
    ['&<>"\'', '&amp;&lt;&gt;&quot;&apos;'],
    ['https://x/</Message><Code>Hacked', 'https://x/&lt;/Message&gt;&lt;Code&gt;Hacked'],
    ['a\u0000b\u001Fc\u0009d', 'ab' + 'c\u0009d'],
    ['lone \uD800 surrogate', 'lone  surrogate'],
    ['pair \uD83D\uDE00 kept', 'pair \uD83D\uDE00 kept'],
    ['\uFFFEnon-characters\uFFFF & <more>', 'non-characters &amp; &lt;more&gt;'],
    ['AKIA/base64+token=', 'AKIA/base64+token='],
  ])('escapes %j (XML-01)', (input, want) => {
    expect(escapeXml(input)).toBe(want)
  })

  it('escapes exactly as stripping forbidden characters then replacing entities would', () => {
    const forbidden =
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the reference of XML-01
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
    const entities: Record<string, string> = {
      '&': '&amp;',
      '<': '&lt;',
      '>': '&gt;',
      '"': '&quot;',
      "'": '&apos;',
    }
    const reference = (t: string) =>
      t.replace(forbidden, '').replace(/[&<>"']/g, (c) => entities[c] as string)
    const pool = ['a', 'Z', '0', '+', '/', '=', '&', '<', '>', '"', "'", '\t', '\n', '\r']
    for (const c of [0x00, 0x08, 0x0b, 0x0c, 0x0e, 0x1f, 0x20, 0x7f, 0xe9, 0xd7ff, 0xe000])
      pool.push(String.fromCharCode(c))
    pool.push('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', '\uFFFD', '\uFFFE', '\uFFFF')
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed
    }
    for (let i = 0; i < 5000; i++) {
      let text = ''
      for (let n = next() % 12; n > 0; n--) text += pool[next() % pool.length]
      expect(escapeXml(text)).toBe(reference(text))
    }
  })

  it('shapes an awsQuery response with lists as members', () => {
    const xml = queryResponseXml(
      'ListRoles',
      'https://iam.amazonaws.com/doc/2010-05-08/',
      { Roles: [{ RoleName: 'a' }, { RoleName: 'b&c' }], IsTruncated: false, Marker: undefined },
      'req-1',
    )
    expect(xml).toBe(
      '<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><Roles>' +
        '<member><RoleName>a</RoleName></member><member><RoleName>b&amp;c</RoleName></member></Roles>' +
        '<IsTruncated>false</IsTruncated></ListRolesResult><ResponseMetadata><RequestId>req-1</RequestId>' +
        '</ResponseMetadata></ListRolesResponse>',
    )
    expect(
      new XMLParser().parse(xml).ListRolesResponse.ListRolesResult.Roles.member[1].RoleName,
    ).toBe('b&c')
  })

  it('writes a map as entries of key and value, in order, escaped; an empty map as its element', () => {
    const xml = queryResponseXml(
      'X',
      'urn:x',
      {
        Details: new XmlMap([
          ['IAM Policy', 'allowed'],
          ['a<b', 'c&d'],
        ]),
        Empty: new XmlMap([]),
      },
      'r',
    )
    expect(xml).toContain(
      '<Details><entry><key>IAM Policy</key><value>allowed</value></entry>' +
        '<entry><key>a&lt;b</key><value>c&amp;d</value></entry></Details><Empty></Empty>',
    )
  })

  it('omits the Result element for actions without output', () => {
    expect(queryResponseXml('DeleteRole', 'ns', undefined, 'r')).toBe(
      '<DeleteRoleResponse xmlns="ns"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>',
    )
  })

  it('shapes the error envelope', () => {
    const xml = queryErrorXml(
      'ns',
      { type: 'Sender', code: 'NoSuchEntity', message: 'The role with name <x> cannot be found.' },
      'r',
    )
    const parsed = new XMLParser().parse(xml)
    expect(parsed.ErrorResponse.Error).toEqual({
      Type: 'Sender',
      Code: 'NoSuchEntity',
      Message: 'The role with name <x> cannot be found.',
    })
    expect(parsed.ErrorResponse.RequestId).toBe('r')
  })
})
