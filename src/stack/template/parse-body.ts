import { type CollectionTag, parseDocument, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml'
import { CFN_MESSAGES, templateError } from './messages.js'

/**
 * The YAML short forms and the long form each becomes (intrinsic-function-reference). `!GetAtt
 * A.B.C` splits at the first dot only: `["A", "B.C"]` (nested attributes keep their dots).
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Transform: 'Fn::Transform',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.')
  return dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)]
}

const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = Object.entries(SHORT_FORMS).flatMap(
  ([short, long]): (ScalarTag | CollectionTag)[] => [
    {
      tag: `!${short}`,
      resolve: (value: string) => ({ [long]: short === 'GetAtt' ? splitGetAtt(value) : value }),
    },
    {
      tag: `!${short}`,
      collection: 'seq',
      resolve: (seq) => ({ [long]: (seq as YAMLSeq).toJSON() }),
    },
    {
      tag: `!${short}`,
      collection: 'map',
      resolve: (map) => ({ [long]: (map as YAMLMap).toJSON() }),
    },
  ],
)

/** Line and column (1-based) of character offset `pos` in `text`. */
function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: pos - start + 1 }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const m = /position (\d+)/.exec(err instanceof Error ? err.message : '')
    const at = lineColumn(text, m ? Number(m[1]) : text.length)
    throw templateError(CFN_MESSAGES.jsonNotWellFormed(at.line, at.column))
  }
}

function parseYaml(text: string): unknown {
  const doc = parseDocument(text, {
    customTags: CUSTOM_TAGS,
    // YAML 1.2 core schema: `2012-10-17` stays a string, as policy versions must.
    version: '1.2',
    uniqueKeys: true,
    prettyErrors: true,
  })
  const first = doc.errors[0]
  if (first) {
    const pos = first.linePos?.[0]
    const at = pos ? { line: pos.line, column: pos.col } : lineColumn(text, first.pos[0])
    throw templateError(CFN_MESSAGES.yamlNotWellFormed(at.line, at.column))
  }
  // An unknown `!Tag` is a warning for the library; CloudFormation rejects the template.
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED')
  if (unknownTag) {
    const pos = unknownTag.linePos?.[0]
    const at = pos ? { line: pos.line, column: pos.col } : lineColumn(text, unknownTag.pos[0])
    throw templateError(CFN_MESSAGES.yamlNotWellFormed(at.line, at.column))
  }
  return doc.toJS({ maxAliasCount: 100 })
}

/**
 * Parses a template body: JSON when it starts with `{`, YAML otherwise (template-formats), with
 * every short-form tag turned into its long form. Syntax errors carry CloudFormation's text with
 * the line and column.
 */
export function parseTemplateBody(text: string): unknown {
  const trimmed = text.replace(/^[\s\uFEFF]+/, '')
  return trimmed.startsWith('{') ? parseJson(text) : parseYaml(text)
}

/** Whether a body is JSON (GetTemplate answers in the format it was given). */
export function isJsonBody(text: string): boolean {
  return text.replace(/^[\s\uFEFF]+/, '').startsWith('{')
}
