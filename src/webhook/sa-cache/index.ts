/**
 * The webhook's ServiceAccount cache: list+watch through `@kubernetes/client-node`, a live GET
 * on a miss (so a Pod created right after its ServiceAccount still gets credentials), a short
 * negative cache, and no exception ever reaching the admission path.
 *
 * @packageDocumentation
 */
export { isServiceAccountRef, type ServiceAccount, toServiceAccount } from './service-account.js'
export {
  createServiceAccountLookup,
  type ServiceAccountCacheMetrics,
  type ServiceAccountLookup,
  type ServiceAccountLookupOptions,
} from './service-account-lookup.js'
