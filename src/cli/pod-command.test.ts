import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readManifestSources } from './pod-command.js'

describe('readManifestSources (kubectl -f)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-pod-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'manifests'))
  writeFileSync(join(dir, 'manifests', 'b-pod.yaml'), 'kind: Pod')
  writeFileSync(join(dir, 'manifests', 'a-sa.yml'), 'kind: ServiceAccount')
  writeFileSync(join(dir, 'manifests', 'notes.txt'), 'not a manifest')
  writeFileSync(join(dir, 'one.yaml'), 'kind: ConfigMap')

  it('reads files, directories (their .yaml/.yml/.json files, sorted) and stdin, in order', () => {
    const sources = readManifestSources(
      [join(dir, 'one.yaml'), join(dir, 'manifests'), '-'],
      () => 'kind: Secret',
    )
    expect(sources).toEqual([
      { name: join(dir, 'one.yaml'), text: 'kind: ConfigMap' },
      { name: join(dir, 'manifests', 'a-sa.yml'), text: 'kind: ServiceAccount' },
      { name: join(dir, 'manifests', 'b-pod.yaml'), text: 'kind: Pod' },
      { name: 'stdin', text: 'kind: Secret' },
    ])
  })

  it.each([
    ['a missing file', [join(dir, 'nope.yaml')], /manifest `.*nope\.yaml` does not exist/],
    ['stdin twice', ['-', '-'], /stdin \(`-f -`\) can be read only once/],
  ])('refuses %s', (_name, names, message) => {
    expect(() => readManifestSources(names, () => '')).toThrow(message)
  })
})
