// Provider names as emitters spell them -> @pydantic/genai-prices provider ids.
// Sources of spellings: GenAI semconv gen_ai.provider.name well-known values (and the older gen_ai.system
// values), OpenInference llm.provider / llm.system, Vercel AI SDK provider strings ('openai.chat',
// 'anthropic.messages', 'google.generative-ai', 'amazon-bedrock', ...), LangChain ls_provider.

const byName: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'aws.bedrock': 'aws',
  'aws_bedrock': 'aws',
  'amazon-bedrock': 'aws',
  amazon_bedrock: 'aws',
  bedrock: 'aws',
  aws: 'aws',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  azure: 'azure',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  vertex_ai: 'google',
  'google-vertex': 'google',
  google: 'google',
  'google.generative-ai': 'google',
  'google.vertex': 'google',
  google_genai: 'google',
  google_vertexai: 'google',
  gemini: 'google',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  mistral: 'mistral',
  x_ai: 'x-ai',
  xai: 'x-ai',
  'x-ai': 'x-ai',
  groq: 'groq',
  deepseek: 'deepseek',
  cohere: 'cohere',
  perplexity: 'perplexity',
  together: 'together',
  together_ai: 'together',
  togetherai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  openrouter: 'openrouter',
  cerebras: 'cerebras',
  moonshotai: 'moonshotai',
  moonshot: 'moonshotai',
  novita: 'novita',
  zai: 'zai',
  zhipuai: 'zhipuai',
};

/**
 * The genai-prices provider id for an emitter's provider string, or undefined when unknown (the caller
 * then lets genai-prices match on the model id alone). 'openai.chat' / 'openai.responses' and other
 * AI SDK '<provider>.<api>' strings fall back to their first segment.
 */
export function priceProviderId(provider: string | undefined): string | undefined {
  if (!provider) return undefined;
  const p = provider.trim().toLowerCase();
  if (byName[p]) return byName[p];
  // 'azure.ai.openai' style names are listed; for the rest try longest dotted prefix first.
  const segments = p.split('.');
  for (let n = segments.length - 1; n >= 1; n--) {
    const prefix = segments.slice(0, n).join('.');
    if (byName[prefix]) return byName[prefix];
  }
  return undefined;
}
