import { Invalid } from '../base/errors'

export const MIN_PASSPHRASE_LENGTH = 12

// Words every guesser tries first; a passphrase made of one of them (and digits or symbols) is refused.
const COMMON = new Set([
  'password',
  'passphrase',
  'flowkeys',
  'langflow',
  'qwerty',
  'qwertyuiop',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'secret',
  'changeme',
  'iloveyou',
  'backup',
  'abcdefghijkl',
  'abcdefghijklmnop'
])

/** The rule a backup passphrase breaks, or null when it is strong enough. Never repeats the passphrase. */
export function passphraseProblem(passphrase: string): string | null {
  const chars = [...passphrase]
  if (chars.length < MIN_PASSPHRASE_LENGTH) {
    return `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long (it has ${chars.length}).`
  }
  if (new Set(chars).size < 6) return 'The passphrase must use at least 6 different characters.'
  if (/^\d+$/.test(passphrase)) return 'The passphrase must not be only digits.'
  if (isSequence(chars)) return 'The passphrase must not be a run of consecutive characters (abcd…, 1234…).'
  if (COMMON.has(commonCore(passphrase))) {
    return 'The passphrase must not be a common password with digits or symbols around it.'
  }
  return null
}

export function checkPassphrase(passphrase: string): void {
  const problem = passphraseProblem(passphrase)
  if (problem) throw new Invalid(`${problem} Nothing was written.`)
}

function isSequence(chars: string[]): boolean {
  const codes = chars.map((c) => c.codePointAt(0)!)
  const step = codes[1]! - codes[0]!
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1]! === step)
}

// The usual stand-ins for letters (P@ssw0rd).
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i'
}

/** The word inside a passphrase once the digits and symbols around it are dropped and stand-ins read as letters. */
function commonCore(passphrase: string): string {
  const core = passphrase.toLowerCase().replace(/^[^a-z]+|[^a-z]+$/g, '')
  return [...core].map((c) => LEET[c] ?? c).join('')
}
