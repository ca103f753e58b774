import { PermanentError, TransientError } from '../core/errors.js';
import { INDEXNOW_ENDPOINT, type IndexNowSubmission } from '../core/site/announce.js';
import type { NotificationSender } from '../services/ports.js';

export interface HttpNotificationOptions {
  /** Where IndexNow submissions go. @default https://api.indexnow.org/indexnow (forwards to every participating engine) */
  readonly indexNowEndpoint?: string;
  /** Per request. @default 10 s */
  readonly timeoutMs?: number;
}

/**
 * WebSub pings and IndexNow submissions over HTTP with Node's global `fetch`.
 *
 * WebSub: one form-encoded `hub.mode=publish&hub.url=<feed>` POST per feed and hub. The W3C Recommendation leaves
 * the publisher's ping to the hub; this form (from PubSubHubbub 0.4) is the one every public hub takes. Some hubs
 * also accept several `hub.url` in one request, others read only the first, so one feed per request is the form
 * that works everywhere; a run changes a handful of feeds.
 *
 * IndexNow answers 200 or 202 when it took the URLs; 403 means the key file could not be verified, which right after
 * the first publish of the key can be the edge or the bucket catching up: retried, as 429 and 5xx are. 400 and 422
 * (URLs not of this host) cannot be fixed by a retry.
 */
export class HttpNotificationSender implements NotificationSender {
  private readonly indexNowEndpoint: string;
  private readonly timeoutMs: number;

  constructor(options: HttpNotificationOptions = {}) {
    this.indexNowEndpoint = options.indexNowEndpoint ?? INDEXNOW_ENDPOINT;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async pingHub(hub: string, feedUrl: string): Promise<void> {
    const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl });
    await this.post(hub, { 'content-type': 'application/x-www-form-urlencoded' }, body.toString(), `WebSub hub ${hub}`, []);
  }

  async submitIndexNow(submission: IndexNowSubmission): Promise<void> {
    await this.post(this.indexNowEndpoint, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(submission), `IndexNow ${this.indexNowEndpoint}`, [403]);
  }

  private async post(url: string, headers: Record<string, string>, body: string, what: string, alsoRetried: readonly number[]): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (cause) {
      throw new TransientError(`${what}: ${(cause as Error).message}`, { cause });
    }
    // The body is not needed; read it so the connection can be reused.
    const text = await response.text().catch(() => '');
    if (response.ok) return;
    const message = `${what} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    if (response.status >= 500 || response.status === 429 || response.status === 408 || alsoRetried.includes(response.status)) throw new TransientError(message);
    throw new PermanentError(message);
  }
}
