import { config } from 'zod'

// The page's policy (index.html) forbids eval. Zod compiles object parsers with `new Function` when it may, and
// its probe for that would be blocked and reported as a policy violation: parse without compiling instead.
config({ jitless: true })
