/**
 * The logging the Kubernetes helpers need; pino's `Logger` fits it. Details go in the object,
 * the message is one fixed sentence.
 */
export interface KubeLogger {
  warn(details: Record<string, unknown>, message: string): void
  info(details: Record<string, unknown>, message: string): void
  debug(details: Record<string, unknown>, message: string): void
}

/** Logs nothing. */
export const silentLogger: KubeLogger = {
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
}
