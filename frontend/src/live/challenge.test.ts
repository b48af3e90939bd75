import { webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { answerIsRight, expectedMac, fromBase64Url, newNonce, sameBytes, toBase64Url } from './challenge'

const subtle = webcrypto.subtle as SubtleCrypto

// The same vector is checked on the Go side (TestChallengeMACVector).
const vector = { token: 's3cret-token', nonce: 'A'.repeat(43), mac: 'F8yg8fQCNGx4opKhenQ-xT2L3zrI6vRgGLh11qyqM44' }

describe('challenge', () => {
  it('computes the MAC the server computes', async () => {
    expect(toBase64Url(await expectedMac(subtle, vector.token, vector.nonce))).toBe(vector.mac)
    expect(await answerIsRight(subtle, vector.token, vector.nonce, { mac: vector.mac })).toBe(true)
  })

  it('refuses a MAC for another token, another nonce, or of another shape', async () => {
    const other = toBase64Url(await expectedMac(subtle, 'another-token', vector.nonce))
    const otherNonce = toBase64Url(await expectedMac(subtle, vector.token, 'B'.repeat(43)))
    for (const answer of [{ mac: other }, { mac: otherNonce }, { mac: vector.mac.slice(1) }, { mac: vector.mac + 'AA' }, { mac: '+' + vector.mac.slice(1) }, { mac: 42 }, {}, null, 'x']) {
      expect(await answerIsRight(subtle, vector.token, vector.nonce, answer)).toBe(false)
    }
  })

  it('makes nonces of 32 random bytes in base64url, fresh each time', () => {
    const a = newNonce()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(fromBase64Url(a)).toHaveLength(32)
    expect(newNonce()).not.toBe(a)
    expect(newNonce((b) => b.fill(0xfb))).toBe('-_v7'.repeat(10) + '-_s')
  })

  it('round-trips base64url and refuses other text', () => {
    const bytes = Uint8Array.from({ length: 33 }, (_, i) => i * 7)
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes)
    expect(fromBase64Url('a+b/')).toBeNull()
    expect(fromBase64Url('abcde')).toBeNull()
  })

  it('compares bytes whole', () => {
    expect(sameBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true)
    expect(sameBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false)
    expect(sameBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false)
  })
})
