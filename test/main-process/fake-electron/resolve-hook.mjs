// A module-resolution hook (see ./register.mjs): `electron` becomes the fake; every other specifier resolves as usual.
let fake

export function initialize(data) {
  fake = data.fake
}

export function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: fake, shortCircuit: true }
  return nextResolve(specifier, context)
}
