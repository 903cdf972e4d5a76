/**
 * The port the coach talks to a language model through: one chat request whose answer is a
 * single tool (function) call, so the model can only fill in a shape the coach defined (a
 * command from a fixed list, or a feedback record). The Azure OpenAI adapter is
 * azure-openai-model.ts; tests use a local fake OpenAI-compatible server.
 */

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** A function the model may call: its name, what it is for, and a JSON Schema for its arguments. */
export interface ChatTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatModel {
  /**
   * The arguments of the model's call to `tool`, or null when it called none (only possible
   * when `required` is false). Rejects on a network error, a refusal or a timeout.
   */
  callTool(
    messages: readonly ChatMessage[],
    tool: ChatTool,
    options: { required: boolean; timeoutMs: number; signal: AbortSignal },
  ): Promise<Record<string, unknown> | null>;
}
