import { describe, expect, it } from 'vitest'
import type { Pod } from '../webhook/types.js'
import { containerMounts, projectedTokenFiles, remapPath } from './local-volumes.js'

const pod = (volumes: unknown[]): Pod => ({ spec: { containers: [], volumes: volumes as never } })

describe('projectedTokenFiles', () => {
  it('finds every serviceAccountToken source, with the Kubernetes default lifetime', () => {
    const r = projectedTokenFiles(
      pod([
        {
          name: 'aws-iam-token',
          projected: {
            sources: [
              {
                serviceAccountToken: {
                  audience: 'sts.amazonaws.com',
                  expirationSeconds: 600,
                  path: 'token',
                },
              },
            ],
          },
        },
        {
          name: 'vault',
          projected: {
            sources: [{ serviceAccountToken: { path: 'jwt/./t' } }, { configMap: { name: 'ca' } }],
          },
        },
        { name: 'data', emptyDir: {} },
      ]),
    )
    expect(r.files).toEqual([
      {
        volume: 'aws-iam-token',
        path: 'token',
        audience: 'sts.amazonaws.com',
        expirationSeconds: 600,
      },
      { volume: 'vault', path: 'jwt/t', audience: undefined, expirationSeconds: 3600 },
    ])
    expect(r.notices).toEqual([
      'projected source `configMap` of volume `vault` is not available locally',
    ])
  })

  it.each([
    [
      'a lifetime below 10 minutes',
      { path: 't', expirationSeconds: 599 },
      /from 600 to 4294967296/,
    ],
    ['an absolute path', { path: '/etc/t' }, /must be a relative path/],
    ['a path that climbs out', { path: '../t' }, /must be a relative path/],
  ])('refuses %s (as core/v1 validation does)', (_name, token, message) => {
    expect(() =>
      projectedTokenFiles(
        pod([{ name: 'v', projected: { sources: [{ serviceAccountToken: token }] } }]),
      ),
    ).toThrow(message)
  })
})

describe('containerMounts and remapPath', () => {
  const dirs = new Map([['aws-iam-token', '/tmp/run/volumes/aws-iam-token']])
  const { mappings, notices } = containerMounts(
    {
      name: 'c',
      volumeMounts: [
        {
          name: 'aws-iam-token',
          mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount/',
          readOnly: true,
        },
        { name: 'cache', mountPath: '/cache' },
      ],
    },
    dirs,
  )

  it('maps token mounts and names the mounts it cannot provide', () => {
    expect(mappings).toEqual([
      {
        mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount',
        localPath: '/tmp/run/volumes/aws-iam-token',
      },
    ])
    expect(notices).toEqual([
      'volume `cache` (mounted at `/cache` in container `c`) is not available locally',
    ])
  })

  it.each([
    [
      '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
      '/tmp/run/volumes/aws-iam-token/token',
    ],
    ['/var/run/secrets/eks.amazonaws.com/serviceaccount', '/tmp/run/volumes/aws-iam-token'],
    [
      '/var/run/secrets/eks.amazonaws.com/serviceaccount-other/token',
      '/var/run/secrets/eks.amazonaws.com/serviceaccount-other/token',
    ],
    ['us-east-1', 'us-east-1'],
  ])('remaps %s', (value, expected) => {
    expect(remapPath(value, mappings)).toBe(expected)
  })

  it('maps a subPath mount and prefers the deepest mount', () => {
    const m = containerMounts(
      {
        name: 'c',
        volumeMounts: [
          { name: 'aws-iam-token', mountPath: '/secrets' },
          { name: 'aws-iam-token', mountPath: '/secrets/aws/token', subPath: 'token' },
        ],
      },
      dirs,
    ).mappings
    expect(remapPath('/secrets/aws/token', m)).toBe('/tmp/run/volumes/aws-iam-token/token')
    expect(remapPath('/secrets/token', m)).toBe('/tmp/run/volumes/aws-iam-token/token')
  })
})
