/**
 * An HTTP load client on its own thread, so the requests it sends and times do not share the
 * event loop of the service under test (in Teams the load comes from other machines). The
 * bench hands it ready-made request bodies and gets back, per request, the status, whether the
 * answer matched `expect`, and the latency in ms.
 *
 *   const client = await HttpClient.start();
 *   const results = await client.run({ url, bodies, mode: 'sequential' });
 */
import http from 'node:http';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

export interface RunRequest {
  url: string;
  bodies: string[];
  /**
   * sequential: one at a time; open: one every 1000/rate ms whatever the answers (open loop);
   * closed: `concurrency` requests in flight, each answer sending the next (for capacity).
   */
  mode: 'sequential' | 'open' | 'closed';
  rate?: number;
  concurrency?: number;
  /** A regular expression (source) the answer must match to count as the expected answer. */
  expect?: string;
  timeoutMs?: number;
}

export interface RequestResult {
  /** 0: no answer (timed out or connection error). */
  status: number;
  matched: boolean;
  ms: number;
}

export interface RunResult {
  results: RequestResult[];
  wallMs: number;
}

async function runInThisThread(req: RunRequest): Promise<RunResult> {
  const expect = req.expect ? new RegExp(req.expect) : null;
  const timeoutMs = req.timeoutMs ?? 15_000;
  const results: RequestResult[] = new Array(req.bodies.length);
  // node:http with kept-alive connections: far less CPU per request than fetch, and the
  // client shares the machine's cores with the service and its database.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL(req.url);
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
      request.end(body);
    });
  const send = async (i: number) => {
    const t0 = performance.now();
    try {
      const { status, text } = await post(req.bodies[i]!);
      results[i] = { status, matched: expect ? expect.test(text) : true, ms: performance.now() - t0 };
    } catch {
      results[i] = { status: 0, matched: false, ms: performance.now() - t0 };
    }
  };
  const start = performance.now();
  if (req.mode === 'sequential') {
    for (let i = 0; i < req.bodies.length; i++) await send(i);
  } else if (req.mode === 'closed') {
    let next = 0;
    await Promise.all(
      Array.from({ length: req.concurrency ?? 16 }, async () => {
        while (next < req.bodies.length) await send(next++);
      }),
    );
  } else {
    const interval = 1000 / (req.rate ?? 100);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < req.bodies.length; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(i));
    }
    await Promise.all(pending);
  }
  const wallMs = performance.now() - start;
  agent.destroy();
  return { results, wallMs };
}

export class HttpClient {
  private constructor(private readonly worker: Worker) {}

  static async start(): Promise<HttpClient> {
    // The worker loads this same file, through tsx's loader (a worker does not inherit it).
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(bootstrap, { eval: true });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new HttpClient(worker);
  }

  run(req: RunRequest): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.worker.once('error', onError);
      this.worker.once('message', (result: RunResult) => {
        this.worker.off('error', onError);
        resolve(result);
      });
      this.worker.postMessage(req);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (req: RunRequest) => {
    void runInThisThread(req).then((result) => port.postMessage(result));
  });
  port.postMessage('ready');
}
