/**
 * The coach's model: the trust's own Azure OpenAI deployment, through the `openai` package's
 * AzureOpenAI client, with a key or the service's managed identity (@azure/identity). Built
 * only when COACH_ENABLED; one request per call, no retries (the coach falls back instead).
 */
import { getBearerTokenProvider, ManagedIdentityCredential } from '@azure/identity';
import { AzureOpenAI } from 'openai';
import type { Config } from '../config.js';
import type { ChatMessage, ChatModel, ChatTool } from './chat-model.js';

/** The scope of an Entra token for Azure OpenAI (role: Cognitive Services OpenAI User). */
export const AZURE_OPENAI_SCOPE = 'https://cognitiveservices.azure.com/.default';

type CoachSettings = Pick<
  Config,
  | 'AZURE_OPENAI_ENDPOINT'
  | 'AZURE_OPENAI_DEPLOYMENT'
  | 'AZURE_OPENAI_API_VERSION'
  | 'AZURE_OPENAI_API_KEY'
  | 'AZURE_OPENAI_CLIENT_ID'
  | 'COACH_TIMEOUT_MS'
>;

export class AzureOpenAIModel implements ChatModel {
  private readonly client: AzureOpenAI;
  private readonly deployment: string;

  constructor(config: CoachSettings) {
    this.deployment = config.AZURE_OPENAI_DEPLOYMENT!;
    const auth = config.AZURE_OPENAI_API_KEY
      ? { apiKey: config.AZURE_OPENAI_API_KEY }
      : {
          azureADTokenProvider: getBearerTokenProvider(
            config.AZURE_OPENAI_CLIENT_ID
              ? new ManagedIdentityCredential({ clientId: config.AZURE_OPENAI_CLIENT_ID })
              : new ManagedIdentityCredential(),
            AZURE_OPENAI_SCOPE,
          ),
        };
    this.client = new AzureOpenAI({
      endpoint: config.AZURE_OPENAI_ENDPOINT!,
      deployment: this.deployment,
      apiVersion: config.AZURE_OPENAI_API_VERSION,
      timeout: config.COACH_TIMEOUT_MS,
      maxRetries: 0,
      ...auth,
    });
  }

  async callTool(
    messages: readonly ChatMessage[],
    tool: ChatTool,
    options: { required: boolean; timeoutMs: number; signal: AbortSignal },
  ): Promise<Record<string, unknown> | null> {
    const completion = await this.client.chat.completions.create(
      {
        model: this.deployment,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        tools: [{ type: 'function', function: tool }],
        tool_choice: options.required ? { type: 'function', function: { name: tool.name } } : 'auto',
        temperature: 0,
        max_tokens: 500,
      },
      { timeout: options.timeoutMs, maxRetries: 0, signal: options.signal },
    );
    const call = completion.choices[0]?.message?.tool_calls?.find((c) => c.function.name === tool.name);
    if (!call) return null;
    const args: unknown = JSON.parse(call.function.arguments);
    return args && typeof args === 'object' && !Array.isArray(args)
      ? (args as Record<string, unknown>)
      : null;
  }
}
