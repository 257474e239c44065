/**
 * Which environment variables become global variables, and which of them belong to a known model provider.
 */
import { isSecretSetting } from '../config/secret-settings'

/** Langflow's VARIABLES_TO_GET_FROM_ENVIRONMENT, in Langflow's order. */
export const BUILTIN_ENV_VARIABLES: readonly string[] = Object.freeze([
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GOOGLE_API_KEY',
  'COHERE_API_KEY',
  'GROQ_API_KEY',
  'HUGGINGFACEHUB_API_TOKEN',
  'PINECONE_API_KEY',
  'SAMBANOVA_API_KEY',
  'SEARCHAPI_API_KEY',
  'SERPAPI_API_KEY',
  'NOVITA_API_KEY',
  'TAVILY_API_KEY',
  'COMPOSIO_API_KEY',
  'AZURE_OPENAI_API_KEY',
  'AZURE_OPENAI_API_VERSION',
  'AZURE_OPENAI_API_INSTANCE_NAME',
  'AZURE_OPENAI_API_DEPLOYMENT_NAME',
  'AZURE_OPENAI_API_EMBEDDINGS_DEPLOYMENT_NAME',
  'ASTRA_DB_APPLICATION_TOKEN',
  'ASTRA_DB_API_ENDPOINT',
  'UPSTASH_VECTOR_REST_URL',
  'UPSTASH_VECTOR_REST_TOKEN',
  'VECTARA_CUSTOMER_ID',
  'VECTARA_CORPUS_ID',
  'VECTARA_API_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'WATSONX_APIKEY',
  'WATSONX_PROJECT_ID',
  'WATSONX_URL',
  'OPENROUTER_API_KEY'
])

/**
 * Variable name → provider, as Langflow's `get_model_provider_variable_mapping()` (lfx unified_models) has it.
 * The provider is Langflow's display name, not a slug: Langflow's model-provider UI matches default_fields
 * against these exact names, so a variable imported here lights up the same provider there.
 */
export const PROVIDER_BY_VARIABLE: Readonly<Record<string, string>> = Object.freeze({
  OPENAI_API_KEY: 'OpenAI',
  ANTHROPIC_API_KEY: 'Anthropic',
  GOOGLE_API_KEY: 'Google Generative AI',
  OLLAMA_BASE_URL: 'Ollama',
  WATSONX_APIKEY: 'IBM WatsonX'
})

/** `[<provider>, "api_key"]` for a known provider's variable, `[]` otherwise (Langflow's initialize_user_variables). */
export function providerDefaultFields(name: string): string[] {
  const provider = Object.hasOwn(PROVIDER_BY_VARIABLE, name) ? PROVIDER_BY_VARIABLE[name] : undefined
  return provider ? [provider, 'api_key'] : []
}

/** Reads LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT: a JSON list of strings, or a comma-separated list. */
export function parseNameList(raw: string | undefined): string[] {
  const text = raw?.trim() ?? ''
  if (text === '') return []
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed))
        return parsed.map((item) => String(item).trim()).filter((item) => item !== '')
    } catch {
      // Not JSON after all (e.g. `[A, B]` without quotes): read it as a comma list below.
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((item) =>
      item
        .trim()
        .replace(/^(['"])(.*)\1$/, '$2')
        .trim()
    )
    .filter((item) => item !== '')
}

/**
 * The built-in list plus the names from LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT, without duplicates, and never
 * a secret setting of FlowKeys or Langflow (the vault key, the superuser password…), whatever that list says.
 */
export function variablesToGetFromEnvironment(envValue?: string): string[] {
  return [...new Set([...BUILTIN_ENV_VARIABLES, ...parseNameList(envValue)])].filter(
    (name) => !isSecretSetting(name)
  )
}

/** The provider variables of `env` among `names`, set and not blank: all the environment a flow may be given. */
export function providerEnvironment(
  env: NodeJS.ProcessEnv,
  names: readonly string[]
): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  for (const name of names) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined
    if (typeof value === 'string' && value.trim() !== '') out[name] = value
  }
  return Object.freeze(out)
}
