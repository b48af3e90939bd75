import { describe, expect, it } from 'vitest'
import { HIDDEN_VALUE, formatRaw, normalizeInspect, redactEnv } from './inspect'

describe('redactEnv', () => {
  it('hides every value of every Env list, names kept', () => {
    const raw = '{"Config":{"Env":["SECRET=x","PATH=/bin:/usr/bin","EQ=a=b","BARE"],"Cmd":["sh"]},"Other":{"Env":[ "K=\\"q\\"" ]}}'
    const got = redactEnv(raw)
    expect(got).not.toContain('SECRET=x')
    expect(got).not.toContain('/usr/bin')
    expect(got).not.toContain('a=b')
    expect(JSON.parse(got)).toEqual({
      Config: { Env: [`SECRET=${HIDDEN_VALUE}`, `PATH=${HIDDEN_VALUE}`, `EQ=${HIDDEN_VALUE}`, 'BARE'], Cmd: ['sh'] },
      Other: { Env: [`K=${HIDDEN_VALUE}`] },
    })
  })

  it('hides values in an answer cut short, even inside the last value', () => {
    expect(redactEnv('{"Config":{"Env":["A=1","TOKEN=abcdef… [cut: 300000 bytes in all]')).toBe(
      `{"Config":{"Env":["A=${HIDDEN_VALUE}","TOKEN=${HIDDEN_VALUE}`,
    )
  })

  it('leaves an answer without an environment as it is', () => {
    const raw = '{"Id":"c0ffee","Config":{"Env":null}}'
    expect(redactEnv(raw)).toBe(raw)
  })
})

describe('formatRaw', () => {
  it('indents valid JSON and keeps a cut answer as sent', () => {
    expect(formatRaw('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}')
    expect(formatRaw('{"a":[1… [cut]')).toBe('{"a":[1… [cut]')
  })
})

describe('normalizeInspect', () => {
  it('refuses what is not an inspect', () => {
    expect(() => normalizeInspect(null)).toThrow('not a container inspect')
    expect(() => normalizeInspect({ error: 'x' })).toThrow('not a container inspect')
  })

  it('fills in the lists of a health check', () => {
    const got = normalizeInspect({ id: 'a', healthcheck: { test: null, log: null, failingStreak: 0 } })
    expect(got.healthcheck).toEqual({ test: [], log: [], failingStreak: 0 })
    expect(got.env).toEqual([])
    expect(got.limits).toEqual({})
  })
})
