import { absoluteUrl } from '../core/config.js';
import { decisionMessage } from '../core/dedupe.js';
import type { PostView } from '../core/post-view.js';
import { sitePaths } from '../core/slug.js';
import type { PostMessage, SiteConfig } from '../core/types.js';
import type { FirstPublished, PostRecord, PostState } from '../model/records.js';

/**
 * The private, author-facing report of one post (kept next to the post in the source bucket, never in the public
 * site): what was published, every warning and error with its line, and every decision the pipeline took about
 * the post — repeats removed or linked (with the original and the similarity), related posts with the terms that
 * relate them, FAQ pairs marked up. Written by ingest, then completed by the publisher.
 */
export interface PostReport {
  readonly file: string;
  readonly status: PostState;
  readonly sequencer: string;
  readonly title?: string;
  readonly url?: string;
  /** For a rejected edit: the earlier version that stays published. */
  readonly stillLive?: { readonly title: string; readonly url: string };
  /** A scheduled post: when it is published (ISO 8601). */
  readonly scheduledFor?: string;
  /** A post without `date`: the first-published time it is dated by, and where that came from. */
  readonly datedByFirstPublished?: FirstPublished;
  readonly errors: readonly PostMessage[];
  readonly warnings: readonly PostMessage[];
  readonly notes: readonly PostMessage[];
  /**
   * The old addresses that answer `301` with this post's page (lookup form: no trailing slash; `/posts/x/`,
   * `/posts/x` and `/posts/x/index.html` are one address): `moved` where its page was before, `alias` where its front
   * matter says it was. Absent when none.
   */
  readonly redirects?: readonly { readonly from: string; readonly why: 'moved' | 'alias' }[];
  /** Decisions that depend on the rest of the site (absent until the publisher has run). */
  readonly site?: {
    readonly canonicalUrl?: string;
    readonly decisions: PostView['decisions'];
    readonly related: readonly { readonly file: string; readonly url?: string; readonly title?: string; readonly score: number; readonly sharedTerms: readonly string[]; readonly sharedTags: readonly string[] }[];
    readonly faqMarkedUp: number;
    readonly faqPairs: number;
    readonly boilerplateBlocks: number;
  };
}

export function buildReport(
  record: PostRecord, config: SiteConfig, postsPrefix: string,
  related?: ReadonlyMap<string, { title: string; slug: string }>, siteMessages: readonly PostMessage[] = [],
  redirects: readonly { readonly from: string; readonly why: 'moved' | 'alias' }[] = [],
): PostReport {
  const url = (slug: string) => absoluteUrl(config, sitePaths.post(slug));
  const view = record.state === 'published' ? record.view : undefined;
  const messages = [...record.messages, ...(view?.decisions ?? []).map(decisionMessage), ...(view ? siteMessages : [])];
  const bySeverity = (severity: PostMessage['severity']) => messages.filter((m) => m.severity === severity);
  return {
    file: postsPrefix + record.key,
    status: record.state,
    sequencer: record.seq,
    ...(record.state === 'published' && record.live && { title: record.live.title, url: url(record.live.slug) }),
    ...(record.state === 'rejected' && record.live && { stillLive: { title: record.live.title, url: url(record.live.slug) } }),
    ...(record.state === 'scheduled' && record.scheduled && { scheduledFor: record.scheduled.at }),
    ...(record.datedByFirstPublished && record.firstPublished && { datedByFirstPublished: record.firstPublished }),
    errors: bySeverity('error'),
    warnings: bySeverity('warning'),
    notes: bySeverity('info'),
    ...(record.state === 'published' && redirects.length > 0 && { redirects }),
    ...(view && record.live && {
      site: {
        ...(view.canonicalUrl !== undefined && { canonicalUrl: view.canonicalUrl }),
        decisions: view.decisions,
        related: view.related.map((entry) => {
          const target = related?.get(entry.key);
          return {
            file: postsPrefix + entry.key,
            ...(target && { title: target.title, url: url(target.slug) }),
            score: Number(entry.score.toFixed(4)),
            sharedTerms: entry.sharedTerms.map((term) => term.word),
            sharedTags: entry.sharedTags,
          };
        }),
        faqMarkedUp: view.faqFingerprints.length,
        faqPairs: record.live.faq?.length ?? 0,
        boilerplateBlocks: view.boilerplateBlocks,
      },
    }),
  };
}

/** A report as a file: pretty JSON with a final newline (the same bytes in the source bucket and in `--reports`). */
export function reportJson(report: unknown): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
