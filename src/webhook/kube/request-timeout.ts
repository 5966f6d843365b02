import {
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node'

/**
 * Per-call options for `@kubernetes/client-node`'s generated API clients that abort the request
 * (connect, headers and body) after `ms` milliseconds. The client has no timeout of its own, and a
 * call made on the admission path must never outlive the API server's webhook timeout.
 */
export function requestTimeout(ms: number): ConfigurationOptions<ObservableMiddleware> {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms))
          return new Observable(Promise.resolve(context))
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    // Keep the authentication middleware the client was built with.
    middlewareMergeStrategy: 'append',
  }
}
