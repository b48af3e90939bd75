// The serve-mode challenge: before the page sends its token anywhere, the
// server must show it knows it. The page sends 32 random bytes (the nonce);
// the server answers HMAC-SHA256(token, CHALLENGE_LABEL + nonce), which only
// a holder of the token can compute. A process that took the port while
// Dockpulse was down cannot, and the page then keeps its token to itself.
//
// HMAC comes from WebCrypto, which browsers offer only in secure contexts:
// http://127.0.0.1 and http://localhost are, a LAN address over plain
// http (--allow-remote) is not. Without it the page cannot check the server,
// and it does not send the token (see notSecureText).

/** Matches the server's challengeLabel (backend/server/bootstrap.go). */
export const CHALLENGE_LABEL = 'dockpulse challenge v1\n'

/** Bytes of randomness in a nonce. */
export const NONCE_BYTES = 32

/** base64url without padding, as the server reads and writes it. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The bytes of base64url text, or null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

/** A fresh nonce, in the form the server wants. */
export function newNonce(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return toBase64Url(random(new Uint8Array(NONCE_BYTES)))
}

/** HMAC-SHA256(token, CHALLENGE_LABEL + nonce): what the right server answers. */
export async function expectedMac(subtle: SubtleCrypto, token: string, nonce: string): Promise<Uint8Array> {
  const enc = new TextEncoder()
  const key = await subtle.importKey('raw', enc.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await subtle.sign('HMAC', key, enc.encode(CHALLENGE_LABEL + nonce)))
}

/** Compares two MACs without stopping at the first difference. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  a.forEach((x, i) => (diff |= x ^ (b[i] ?? 0)))
  return diff === 0
}

/** Whether the answer to a challenge is the MAC only the token's holder can make. */
export async function answerIsRight(subtle: SubtleCrypto, token: string, nonce: string, answer: unknown): Promise<boolean> {
  const mac = answer && typeof answer === 'object' ? (answer as { mac?: unknown }).mac : undefined
  if (typeof mac !== 'string') return false
  const got = fromBase64Url(mac)
  return got !== null && sameBytes(got, await expectedMac(subtle, token, nonce))
}

/** Shown when another server answers on the page's port. */
export const notSameServerText =
  'the server on this port is not the one this page was opened from: it could not prove it knows this page’s token, so the page does not send it' +
  ' (a dockpulse serve restarted without --token-file has a new token: open the address it printed)'

/** Shown when the page has no WebCrypto to check the server with. */
export const notSecureText =
  'this page cannot check that the server is the one it was opened from: the browser offers WebCrypto only in secure contexts' +
  ' (http://127.0.0.1, http://localhost or HTTPS), so the page does not send its token; open it through one of those (an SSH tunnel, say)'
