/**
 * Storage call and byte counters for the benchmark: SDK middleware added to the embedded stack's S3 and DynamoDB
 * clients. What is counted, exactly:
 * - calls: one per command sent (`initialize` step, so an SDK retry of the same command is not a second call);
 * - HTTP requests: one per attempt (`deserialize` step, the innermost one);
 * - bytes written: the HTTP request body as sent (its `Content-Length`; `x-amz-decoded-content-length` for
 *   aws-chunked uploads); bytes read: the HTTP response body (its `Content-Length` header). Headers, SigV4
 *   signatures and TCP/TLS overhead are not counted. A response without `Content-Length` is counted as a
 *   request with an unknown size (`unsized`), never guessed.
 * - ms: time each command took end to end (calls overlap, so the sum is not wall time).
 */

export type Service = 's3' | 'dynamodb';

export interface CommandStats {
  calls: number;
  attempts: number;
  bytesOut: number;
  bytesIn: number;
  unsized: number;
  ms: number;
}

export interface CounterSnapshot {
  readonly byCommand: Readonly<Record<string, CommandStats>>;
  readonly byService: Readonly<Record<Service, CommandStats>>;
  readonly total: CommandStats;
}

/** Anything with a Smithy middleware stack (S3Client, DynamoDBClient). */
interface Instrumentable {
  readonly middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

interface HttpMessage {
  readonly headers?: Record<string, string | undefined>;
  readonly body?: unknown;
  readonly statusCode?: number;
}

const empty = (): CommandStats => ({ calls: 0, attempts: 0, bytesOut: 0, bytesIn: 0, unsized: 0, ms: 0 });

export class StorageCounters {
  private stats = new Map<string, CommandStats>();

  /** Count every call the client makes from now on, under `service`. */
  attach(client: Instrumentable, service: Service): void {
    const entry = (command: string) => {
      const id = `${service} ${command.replace(/Command$/, '')}`;
      let stats = this.stats.get(id);
      if (!stats) this.stats.set(id, stats = empty());
      return stats;
    };
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const stats = entry(context.commandName ?? 'unknown');
        stats.calls++;
        const started = performance.now();
        try {
          return await next(args);
        } finally {
          stats.ms += performance.now() - started;
        }
      },
      { step: 'initialize', name: `benchCount-${service}`, priority: 'high' },
    );
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<{ response?: HttpMessage }>, context: { commandName?: string }) => async (args: { request?: HttpMessage }) => {
        const stats = entry(context.commandName ?? 'unknown');
        stats.attempts++;
        stats.bytesOut += requestBytes(args.request);
        const count = (response: HttpMessage | undefined) => {
          const length = header(response, 'content-length');
          // 204 No Content (S3's answer to DeleteObject) has no body, whatever its headers say.
          if (response?.statusCode === 204) return;
          if (length === undefined) stats.unsized++;
          else stats.bytesIn += Number(length);
        };
        try {
          const result = await next(args);
          count(result.response);
          return result;
        } catch (err) {
          count((err as { $response?: HttpMessage }).$response);
          throw err;
        }
      },
      { step: 'deserialize', name: `benchBytes-${service}`, priority: 'low' },
    );
  }

  reset(): void {
    this.stats = new Map();
  }

  snapshot(): CounterSnapshot {
    const byCommand: Record<string, CommandStats> = {};
    const byService: Record<Service, CommandStats> = { s3: empty(), dynamodb: empty() };
    const total = empty();
    for (const [id, stats] of [...this.stats].sort(([a], [b]) => a.localeCompare(b))) {
      byCommand[id] = { ...stats, ms: Math.round(stats.ms) };
      for (const sum of [byService[id.split(' ')[0] as Service], total]) add(sum, stats);
    }
    total.ms = Math.round(total.ms);
    for (const service of Object.values(byService)) service.ms = Math.round(service.ms);
    return { byCommand, byService, total };
  }
}

/** `after - before`, command by command. */
export function difference(after: CounterSnapshot, before: CounterSnapshot): CounterSnapshot {
  const minus = (a: CommandStats, b: CommandStats | undefined): CommandStats => ({
    calls: a.calls - (b?.calls ?? 0), attempts: a.attempts - (b?.attempts ?? 0), bytesOut: a.bytesOut - (b?.bytesOut ?? 0),
    bytesIn: a.bytesIn - (b?.bytesIn ?? 0), unsized: a.unsized - (b?.unsized ?? 0), ms: a.ms - (b?.ms ?? 0),
  });
  const byCommand: Record<string, CommandStats> = {};
  for (const [id, stats] of Object.entries(after.byCommand)) {
    const diff = minus(stats, before.byCommand[id]);
    if (diff.calls > 0 || diff.attempts > 0) byCommand[id] = diff;
  }
  return {
    byCommand,
    byService: { s3: minus(after.byService.s3, before.byService.s3), dynamodb: minus(after.byService.dynamodb, before.byService.dynamodb) },
    total: minus(after.total, before.total),
  };
}

function add(sum: CommandStats, stats: CommandStats): void {
  sum.calls += stats.calls;
  sum.attempts += stats.attempts;
  sum.bytesOut += stats.bytesOut;
  sum.bytesIn += stats.bytesIn;
  sum.unsized += stats.unsized;
  sum.ms += stats.ms;
}

function header(message: HttpMessage | undefined, name: string): string | undefined {
  if (!message?.headers) return undefined;
  for (const [key, value] of Object.entries(message.headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function requestBytes(request: HttpMessage | undefined): number {
  const declared = header(request, 'x-amz-decoded-content-length') ?? header(request, 'content-length');
  if (declared !== undefined) return Number(declared);
  const body = request?.body;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}
