import type { FastifySchemaCompiler } from 'fastify'
import { z } from 'zod'
import type { $ZodIssue } from 'zod/v4/core'
import { UUID_TYPE_MSG, uuidParseError } from './uuid'

/**
 * Request validation with zod, answered the way FastAPI/pydantic v2 answers: 422 with
 * `{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required"}]}`.
 *
 * The stock compiler of fastify-type-provider-zod keeps only zod's messages; telling a missing field from a wrong
 * one, or quoting pydantic's UUID parser, needs the validated value, so this compiler builds the pydantic items
 * itself. The input is deliberately not echoed back (pydantic's `input` field): a body may hold a secret.
 */
export interface PydanticErrorItem {
  type: string
  loc: (string | number)[]
  msg: string
  ctx?: Record<string, unknown>
  input?: unknown
}

/** Thrown (or returned by the validator) for a request that does not fit its schema; answered with 422. */
export class RequestValidationError extends Error {
  readonly statusCode = 422
  readonly code = 'FLOWKEYS_REQUEST_VALIDATION'
  constructor(readonly items: PydanticErrorItem[]) {
    super('Request validation failed')
  }
}

/** Fastify's request part → the first element of a FastAPI `loc`. */
const LOC_OF_PART: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header'
}

/** A pydantic error chosen by a schema's own refinement: `ctx.addIssue({ code: 'custom', params: { pydantic } })`. */
interface PydanticParams {
  pydantic: { type: string; msg: string }
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = LOC_OF_PART[httpPart ?? 'body'] ?? 'body'
  return (data) => {
    const result = schema.safeParse(data)
    if (result.success) return { value: result.data }
    return { error: new RequestValidationError(toPydanticItems(result.error.issues, data, [part], schema)) }
  }
}

/** Translates zod issues to pydantic v2 error items; `data` is the value the issues' paths point into. */
export function toPydanticItems(
  issues: readonly $ZodIssue[],
  data: unknown,
  locPrefix: (string | number)[],
  schema?: z.ZodType
): PydanticErrorItem[] {
  const items: PydanticErrorItem[] = []
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    const value = valueAt(data, path)
    if (issue.code === 'invalid_union') {
      // pydantic lists every branch; the first branch's complaints are what a client can act on.
      const first = issue.errors[0] ?? []
      items.push(...toPydanticItems(first, value, [...locPrefix, ...path]))
      continue
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        items.push({
          type: 'extra_forbidden',
          loc: [...locPrefix, ...path, key],
          msg: 'Extra inputs are not permitted'
        })
      }
      continue
    }
    // The root body of a request without one arrives as null (Fastify) and is "missing" to FastAPI.
    const absent = value === undefined || (path.length === 0 && value === null && locPrefix.length === 1)
    const [type, msg] = describe(issue, value, absent, schema && isIntSchema(schemaAt(schema, path)))
    items.push({ type, loc: [...locPrefix, ...path], msg })
  }
  return items
}

function describe(issue: $ZodIssue, value: unknown, absent: boolean, isInt = false): [string, string] {
  switch (issue.code) {
    case 'invalid_type':
      if (absent) return ['missing', 'Field required']
      if (issue.message === UUID_TYPE_MSG) return ['uuid_type', UUID_TYPE_MSG]
      return describeType(issue.expected === 'number' && isInt ? 'int' : issue.expected, value)
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string')
        return ['string_too_short', `String should have at least ${count(min, 'character')}`]
      if (issue.origin === 'array' || issue.origin === 'set') {
        const actual = Array.isArray(value) ? value.length : 0
        return [
          'too_short',
          `List should have at least ${count(min, 'item')} after validation, not ${actual}`
        ]
      }
      return issue.inclusive
        ? ['greater_than_equal', `Input should be greater than or equal to ${min}`]
        : ['greater_than', `Input should be greater than ${min}`]
    }
    case 'too_big': {
      const max = Number(issue.maximum)
      if (issue.origin === 'string')
        return ['string_too_long', `String should have at most ${count(max, 'character')}`]
      if (issue.origin === 'array' || issue.origin === 'set') {
        const actual = Array.isArray(value) ? value.length : 0
        return ['too_long', `List should have at most ${count(max, 'item')} after validation, not ${actual}`]
      }
      return issue.inclusive
        ? ['less_than_equal', `Input should be less than or equal to ${max}`]
        : ['less_than', `Input should be less than ${max}`]
    }
    case 'invalid_value':
      return ['literal_error', `Input should be ${orList(issue.values.map(pyRepr))}`]
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid') {
        return ['uuid_parsing', `Input should be a valid UUID, ${uuidParseError(String(value))}`]
      }
      if (issue.format === 'regex' && issue.pattern) {
        return ['string_pattern_mismatch', `String should match pattern '${issue.pattern}'`]
      }
      if (issue.format === 'datetime') return ['datetime_parsing', 'Input should be a valid datetime']
      return ['value_error', `Value error, ${issue.message}`]
    case 'not_multiple_of':
      return ['multiple_of', `Input should be a multiple of ${String(issue.divisor)}`]
    case 'custom': {
      const params = issue.params as Partial<PydanticParams> | undefined
      if (params?.pydantic) return [params.pydantic.type, params.pydantic.msg]
      return ['value_error', `Value error, ${issue.message}`]
    }
    default:
      return ['value_error', `Value error, ${issue.message}`]
  }
}

function describeType(expected: string, value: unknown): [string, string] {
  switch (expected) {
    case 'string':
      return ['string_type', 'Input should be a valid string']
    case 'int':
      if (typeof value === 'number' && Number.isFinite(value)) {
        return ['int_from_float', 'Input should be a valid integer, got a number with a fractional part']
      }
      return intType(value)
    case 'number':
      if (typeof value === 'string')
        return ['float_parsing', 'Input should be a valid number, unable to parse string as a number']
      return ['float_type', 'Input should be a valid number']
    case 'bigint':
      return intType(value)
    case 'boolean':
      if (typeof value === 'string' || typeof value === 'number') {
        return ['bool_parsing', 'Input should be a valid boolean, unable to interpret input']
      }
      return ['bool_type', 'Input should be a valid boolean']
    case 'object':
      return ['model_attributes_type', 'Input should be a valid dictionary or object to extract fields from']
    case 'record':
    case 'map':
      return ['dict_type', 'Input should be a valid dictionary']
    case 'array':
    case 'tuple':
    case 'set':
      return ['list_type', 'Input should be a valid list']
    case 'date':
      return ['datetime_type', 'Input should be a valid datetime']
    case 'null':
      return ['none_required', 'Input should be None']
    default:
      return [`${expected}_type`, `Input should be a valid ${expected}`]
  }
}

function intType(value: unknown): [string, string] {
  if (typeof value === 'string')
    return ['int_parsing', 'Input should be a valid integer, unable to parse string as an integer']
  return ['int_type', 'Input should be a valid integer']
}

/** zod's definition object, enough to walk a schema along an issue's path. */
interface ZodDefLike {
  type?: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  in?: z.ZodType
  element?: z.ZodType
  valueType?: z.ZodType
}

/** The sub-schema an issue path points at, through wrappers (optional, default, pipe…); undefined if unknown. */
function schemaAt(schema: z.ZodType, path: (string | number)[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema)
  for (const key of path) {
    if (!current) return undefined
    const def = current._zod.def as ZodDefLike
    if (def.type === 'object') current = def.shape?.[String(key)]
    else if (def.type === 'array') current = def.element
    else if (def.type === 'record') current = def.valueType
    else return undefined
    current = current && unwrap(current)
  }
  return current
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let depth = 0; depth < 16; depth++) {
    const def = current._zod.def as ZodDefLike
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined)
    if (!inner) break
    current = inner
  }
  return current
}

/** z.int() and z.number().int() answer type errors with "expected number"; pydantic says "integer". */
function isIntSchema(schema: z.ZodType | undefined): boolean {
  return schema instanceof z.ZodNumber && schema.isInt
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let current = data
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    if (!Object.hasOwn(current, key)) return undefined
    current = (current as Record<string | number, unknown>)[key]
  }
  return current
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** Python's repr of a literal, as pydantic quotes allowed values. */
function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (value === null || value === undefined) return 'None'
  return String(value)
}

function orList(parts: string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`
}
