/** A name a .env file (and a process environment) can hold: letters, digits and _, not starting with a digit. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Whether `name` can be a .env variable's name (`__proto__` cannot: it is no plain key of an object). */
export function isEnvName(name: string): boolean {
  return ENV_NAME_PATTERN.test(name) && name !== '__proto__'
}
