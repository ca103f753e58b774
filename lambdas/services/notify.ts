/**
 * The notifier: sends what a publish run announces (see core/site/announce.ts) — a WebSub publish ping per changed
 * feed per hub, and the IndexNow submissions. Every request is tried; if any failed, it throws (after the others
 * were sent), so the queue redelivers the message and, after its maxReceiveCount, dead-letters it. A retry sends the
 * requests that succeeded once more: both protocols take a repeat as the same news (a hub fetches the feed again, a
 * search engine sees the same URLs), which is cheaper than keeping per-request state. A permanent refusal (a 4xx
 * other than 429, say a hub that does not know the topic) is logged and not retried, unless something else failed.
 */
import { PermanentError, TransientError } from '../core/errors.js';
import type { Announcement } from '../core/site/announce.js';
import type { Logger } from '../handlers/logger.js';
import type { NotificationSender } from './ports.js';

export interface NotifyDeps {
  readonly sender: NotificationSender;
  readonly logger: Logger;
}

export interface NotifyOutcome {
  readonly hubPings: number;
  readonly indexNowRequests: number;
  /** Requests refused for good (logged, not retried). */
  readonly refused: number;
}

export async function sendAnnouncement(announcement: Announcement, deps: NotifyDeps): Promise<NotifyOutcome> {
  const requests: { readonly what: string; readonly send: () => Promise<void> }[] = [];
  for (const hub of announcement.websub?.hubs ?? []) {
    for (const feedUrl of announcement.websub?.feedUrls ?? []) {
      requests.push({ what: `WebSub ${hub} ${feedUrl}`, send: () => deps.sender.pingHub(hub, feedUrl) });
    }
  }
  for (const submission of announcement.indexNow ?? []) {
    requests.push({ what: `IndexNow ${submission.urlList.length} URLs`, send: () => deps.sender.submitIndexNow(submission) });
  }
  // One after the other: a few feeds and hubs, and IndexNow asks for no parallel submissions of one host.
  const failed: { what: string; error: unknown }[] = [];
  let refused = 0;
  for (const request of requests) {
    try {
      await request.send();
    } catch (error) {
      if (error instanceof PermanentError) {
        refused++;
        deps.logger.log('error', 'notification refused; not retried', { request: request.what, error });
      } else {
        failed.push({ what: request.what, error });
      }
    }
  }
  const outcome = {
    hubPings: requests.filter((r) => r.what.startsWith('WebSub')).length,
    indexNowRequests: announcement.indexNow?.length ?? 0,
    refused,
  };
  if (failed.length > 0) {
    throw new TransientError(
      `${failed.length} of ${requests.length} notifications failed: ${failed.map((f) => `${f.what}: ${(f.error as Error).message ?? String(f.error)}`).join('; ')}`,
      { cause: failed[0]!.error },
    );
  }
  deps.logger.log('info', 'announced', outcome);
  return outcome;
}

/** Read a queued announcement; a body that is not one can never succeed. */
export function parseAnnouncement(body: string): Announcement {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PermanentError('announcement is not JSON');
  }
  const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
  const record = parsed as { websub?: { hubs?: unknown; feedUrls?: unknown }; indexNow?: unknown };
  if (typeof parsed !== 'object' || parsed === null) throw new PermanentError('announcement is not an object');
  if (record.websub !== undefined && !(strings(record.websub.hubs) && strings(record.websub.feedUrls))) {
    throw new PermanentError('announcement: websub needs hubs and feedUrls, lists of URLs');
  }
  if (record.indexNow !== undefined) {
    const ok = Array.isArray(record.indexNow) && record.indexNow.every((item: { host?: unknown; key?: unknown; keyLocation?: unknown; urlList?: unknown }) =>
      typeof item?.host === 'string' && typeof item.key === 'string' && typeof item.keyLocation === 'string' && strings(item.urlList));
    if (!ok) throw new PermanentError('announcement: indexNow needs submissions of host, key, keyLocation and urlList');
  }
  return parsed as Announcement;
}
