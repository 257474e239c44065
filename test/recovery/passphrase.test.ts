import { describe, expect, it } from 'vitest'
import { Invalid } from '../../src/main/base/errors'
import { MIN_PASSPHRASE_LENGTH, checkPassphrase, passphraseProblem } from '../../src/main/recovery/passphrase'

const TOO_SHORT = /^The passphrase must be at least 12 characters long \(it has (\d+)\)\.$/
const FEW_CHARACTERS = 'The passphrase must use at least 6 different characters.'
const ONLY_DIGITS = 'The passphrase must not be only digits.'
const SEQUENCE = 'The passphrase must not be a run of consecutive characters (abcd…, 1234…).'
const COMMON = 'The passphrase must not be a common password with digits or symbols around it.'

describe('passphraseProblem', () => {
  it('asks for 12 characters, counting characters, not UTF-16 units', () => {
    expect(MIN_PASSPHRASE_LENGTH).toBe(12)
    expect(passphraseProblem('')).toMatch(TOO_SHORT)
    expect(passphraseProblem('')!.match(TOO_SHORT)![1]).toBe('0')
    expect(passphraseProblem('Tr0ub4dor&3')!.match(TOO_SHORT)![1]).toBe('11')
    // Eleven emoji are 22 UTF-16 units but 11 characters: still too short.
    const emoji = '🔑🗝🔒🔓🛡🧩🎲🎯🚀🌈🍀'
    expect(emoji.length).toBe(22)
    expect(passphraseProblem(emoji)!.match(TOO_SHORT)![1]).toBe('11')
    expect(passphraseProblem(`${emoji}🌵`)).toBeNull()
  })

  it('accepts a good passphrase of exactly 12 characters, and refuses it one character shorter', () => {
    expect(passphraseProblem('Tr0ub4dor&3x')).toBeNull()
    expect(passphraseProblem('Tr0ub4dor&3x'.slice(0, 11))).toMatch(TOO_SHORT)
  })

  it.each([
    ['one character repeated', 'aaaaaaaaaaaa'],
    ['two characters', 'abababababababab'],
    ['five characters, long', 'abcdeedcbaabcdeedcba'],
    ['five symbols', '!@#$%!@#$%!@#$%']
  ])('refuses fewer than 6 different characters: %s', (_name, passphrase) => {
    expect(passphraseProblem(passphrase)).toBe(FEW_CHARACTERS)
  })

  it('accepts 6 different characters where 5 are refused', () => {
    expect(passphraseProblem('abcdeabcdeab')).toBe(FEW_CHARACTERS)
    expect(passphraseProblem('abcdefabcdef')).toBeNull()
  })

  it.each(['839201746592', '9876012345678', '314159265358979323'])(
    'refuses only digits: %s',
    (passphrase) => {
      expect(passphraseProblem(passphrase)).toBe(ONLY_DIGITS)
    }
  )

  it.each([
    ['letters up', 'abcdefghijklm'],
    ['letters down', 'zyxwvutsrqpo'],
    ['capitals up', 'KLMNOPQRSTUV'],
    ['punctuation and digits up', '/0123456789:;'],
    ['Greek up', 'αβγδεζηθικλμ']
  ])('refuses a run of consecutive characters: %s', (_name, passphrase) => {
    expect(passphraseProblem(passphrase)).toBe(SEQUENCE)
  })

  it('accepts a run that breaks once', () => {
    expect(passphraseProblem('abcdefghijkm')).toBeNull()
    expect(passphraseProblem('abcdefedcbaz')).toBeNull()
  })

  it.each([
    'Password1234!',
    'password!!!!!!',
    '2024Langflow!',
    'FLOWKEYS-2025',
    'qwertyuiop12',
    'Welcome12345!',
    '!!administrator!!',
    'ChangeMe2024!',
    '1iloveyou234567',
    'backup-123456',
    'secret_000_999'
  ])('refuses a common password with digits or symbols around it: %s', (passphrase) => {
    expect(passphraseProblem(passphrase)).toBe(COMMON)
  })

  // Stand-ins for letters (0 for o, @ for a) do not hide a common password.
  it('refuses the common password passw0rd with digits or symbols around it', () => {
    expect(passphraseProblem('Passw0rd2024!')).toBe(COMMON)
  })

  it.each([
    'correct horse battery staple',
    'Tr0ub4dor&3x',
    'my password is long enough',
    'langflow keys on a boat',
    'zażółć gęślą jaźń',
    '7 winding roads to Kraków!',
    'p4ssw0rd-but-longer',
    '🔑🗝🔒🔓🛡🧩🎲🎯🚀🌈🍀🌵'
  ])('accepts a good passphrase: %s', (passphrase) => {
    expect(passphraseProblem(passphrase)).toBeNull()
  })

  it('never repeats the passphrase in its answer', () => {
    for (const passphrase of [
      'short!',
      'zzzzzzzzzzzzzzzz',
      '839201746592',
      'abcdefghijklm',
      'Password1234!'
    ]) {
      const problem = passphraseProblem(passphrase)
      expect(problem).not.toBeNull()
      expect(problem).not.toContain(passphrase)
    }
  })
})

describe('checkPassphrase', () => {
  it('throws Invalid with the rule broken and that nothing was written', () => {
    let error: unknown
    try {
      checkPassphrase('Password1234!')
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(Invalid)
    expect((error as Error).message).toBe(`${COMMON} Nothing was written.`)
    expect((error as Error).message).not.toContain('Password1234!')
  })

  it('lets a good passphrase through', () => {
    expect(() => checkPassphrase('correct horse battery staple')).not.toThrow()
  })
})
