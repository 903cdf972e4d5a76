/**
 * A local fake of an OpenAI-compatible (Azure OpenAI) chat completions endpoint, on loopback:
 * it records every request and answers as the test tells it (a tool call, no tool call, an
 * error), or holds the request without answering ("slow"), or is stopped ("down"). No test
 * needs the internet.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the request's JSON
}

/** What the fake answers: a call to the request's tool with these arguments, no call, an error, or nothing. */
export type FakeBehaviour =
  | { kind: 'tool'; args: (request: FakeRequest) => Record<string, unknown> }
  | { kind: 'text'; content: string }
  | { kind: 'status'; status: number }
  | { kind: 'hang' };

export class FakeOpenAI {
  readonly requests: FakeRequest[] = [];
  behaviour: FakeBehaviour = { kind: 'text', content: '' };
  private server: Server | null = null;
  private readonly held = new Set<ServerResponse>();
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening (the same port refuses connections until start() again) and drops held requests. */
  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: FakeRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: text ? JSON.parse(text) : null,
    };
    this.requests.push(request);
    const b = this.behaviour;
    if (b.kind === 'hang') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (b.kind === 'status') {
      res.writeHead(b.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'fake', message: 'fake error' } }));
      return;
    }
    const toolName = request.body?.tools?.[0]?.function?.name as string | undefined;
    const message =
      b.kind === 'tool' && toolName
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: toolName, arguments: JSON.stringify(b.args(request)) },
              },
            ],
          }
        : { role: 'assistant', content: b.kind === 'text' ? b.content : '' };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 0,
        model: 'fake',
        choices: [{ index: 0, message, finish_reason: b.kind === 'tool' ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  }
}
