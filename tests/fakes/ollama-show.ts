/**
 * POST /api/show for the fake Ollama, the fields the bot reads, as Ollama's server/routes.go
 * ShowHandler and GetModelInfo give them:
 * - 404 `{"error":"model '<name>' not found"}` for a model that is not pulled;
 * - `capabilities` (since v0.6.4): "embedding" for a model with a pooling type (server/images.go),
 *   "completion" for a chat model, plus "thinking" for one whose template handles reasoning
 *   (server/images.go Capabilities: qwen3, deepseek-r1 and the like);
 * - `model_info`: GGUF keys, among them `general.architecture` and `<architecture>.context_length`;
 * - `parameters`: the Modelfile's PARAMETER lines as text ("num_ctx 8192" when it sets one).
 */
import { DEFAULT_EMBED_CONTEXT, EMBED_CONTEXT_TOKENS } from './ollama-embed.js';

export interface FakeModelCard {
  architecture: string;
  contextLength: number;
  capabilities: string[];
  parameters: string;
}

/** The card for a pulled model (untagged name): embedding models by name, the rest llama chat models. */
export function fakeModelCard(model: string): FakeModelCard {
  const embedContext = EMBED_CONTEXT_TOKENS[model];
  if (embedContext !== undefined || /embed/i.test(model)) {
    const architecture = model.startsWith('nomic') ? 'nomic-bert' : 'bert';
    return { architecture, contextLength: embedContext ?? DEFAULT_EMBED_CONTEXT, capabilities: ['embedding'], parameters: '' };
  }
  if (/^(qwen3|deepseek-r1)/i.test(model)) return { architecture: 'qwen3', contextLength: 40960, capabilities: ['completion', 'thinking'], parameters: '' };
  return { architecture: 'llama', contextLength: 8192, capabilities: ['completion'], parameters: 'stop "<|eot_id|>"' };
}

export function showResponse(card: FakeModelCard) {
  return {
    license: '',
    modelfile: '',
    parameters: card.parameters,
    template: '{{ .Prompt }}',
    details: { parent_model: '', format: 'gguf', family: card.architecture, families: [card.architecture], parameter_size: '137M', quantization_level: 'F16' },
    model_info: { 'general.architecture': card.architecture, [`${card.architecture}.context_length`]: card.contextLength },
    capabilities: card.capabilities,
    modified_at: '2024-05-01T12:00:00.000Z',
  };
}

export function showNotFoundError(model: string): string {
  return `model '${model}' not found`;
}
