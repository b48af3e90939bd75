// Errors as people read them.

/**
 * The message of anything thrown or rejected: an Error's message, a string
 * as it is (Wails rejects bound calls with the Go error's string), anything
 * else as String() has it.
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message
  return typeof err === 'string' ? err : String(err)
}
