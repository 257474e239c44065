/** A write broke one of the data's unique rules; the services answer with Langflow's message for it. */
export class UniqueViolation extends Error {
  constructor(readonly rule: 'username' | 'variable_name' | 'key_hash') {
    super(`unique rule broken: ${rule}`)
    this.name = 'UniqueViolation'
  }
}

/** A key or variable was written for a user that does not exist (deleted meanwhile, say). */
export class MissingUser extends Error {
  constructor() {
    super('the record names a user that does not exist')
    this.name = 'MissingUser'
  }
}
