/**
 * POST /api/show for the fake Ollama, the fields the bot reads, as Ollama's server/routes.go
 * ShowHandler and GetModelInfo give them:
 * - 404 `{"error":"model '<name>' not found"}` for a model that is not pulled;
 * - `capabilities` (since v0.6.4): "embedding" for a model with a pooling type (server/images.go),
 *   "completion" for a chat model, plus "thinking" for one whose template handles reasoning
 *   (server/images.go Capabilities: qwen3, deepseek-r1 and the like), and always for the gpt-oss family
 *   (server/images.go modelFamilyCapabilities);
 * - `details.family`: the model family (Config.ModelFamily), `template`: the chat template. For gpt-oss
 *   the fake's template is a stand-in that carries the harmony tags `<|start|>` and `<|end|>`, which is
 *   what server/routes.go shouldUseHarmony looks for (with the family) to pick the harmony parser;
 * - `model_info`: GGUF keys, among them `general.architecture` and `<architecture>.context_length`;
 * - `parameters`: the Modelfile's PARAMETER lines as text ("num_ctx 8192" when it sets one).
 */
import { DEFAULT_EMBED_CONTEXT, EMBED_CONTEXT_TOKENS } from './ollama-embed.js';

export interface FakeModelCard {
  architecture: string;
  contextLength: number;
  capabilities: string[];
  parameters: string;
  template: string;
}

/** A stand-in for gpt-oss's chat template: only the harmony tags matter to Ollama's choice of parser. */
export const HARMONY_TEMPLATE = '<|start|>system<|message|>Reasoning: {{ .ThinkLevel }}<|end|>{{ range .Messages }}<|start|>{{ .Role }}<|message|>{{ .Content }}<|end|>{{ end }}<|start|>assistant';
const PLAIN_TEMPLATE = '{{ .Prompt }}';

/** The card for a pulled model (untagged name): embedding models by name, the rest llama chat models. */
export function fakeModelCard(model: string): FakeModelCard {
  const embedContext = EMBED_CONTEXT_TOKENS[model];
  if (embedContext !== undefined || /embed/i.test(model)) {
    const architecture = model.startsWith('nomic') ? 'nomic-bert' : 'bert';
    return { architecture, contextLength: embedContext ?? DEFAULT_EMBED_CONTEXT, capabilities: ['embedding'], parameters: '', template: PLAIN_TEMPLATE };
  }
  if (/^(qwen3|deepseek-r1)/i.test(model)) return { architecture: 'qwen3', contextLength: 40960, capabilities: ['completion', 'thinking'], parameters: '', template: PLAIN_TEMPLATE };
  if (/^gpt-oss/i.test(model)) return { architecture: 'gptoss', contextLength: 131072, capabilities: ['completion', 'tools', 'thinking'], parameters: '', template: HARMONY_TEMPLATE };
  return { architecture: 'llama', contextLength: 8192, capabilities: ['completion'], parameters: 'stop "<|eot_id|>"', template: PLAIN_TEMPLATE };
}

export function showResponse(card: FakeModelCard) {
  return {
    license: '',
    modelfile: '',
    parameters: card.parameters,
    template: card.template,
    details: { parent_model: '', format: 'gguf', family: card.architecture, families: [card.architecture], parameter_size: '137M', quantization_level: 'F16' },
    model_info: { 'general.architecture': card.architecture, [`${card.architecture}.context_length`]: card.contextLength },
    capabilities: card.capabilities,
    modified_at: '2024-05-01T12:00:00.000Z',
  };
}

export function showNotFoundError(model: string): string {
  return `model '${model}' not found`;
}
