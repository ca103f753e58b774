/**
 * schema.org JSON-LD objects beyond BlogPosting (which lives with the post page): FAQPage and BreadcrumbList.
 * Plain data; `jsonLdScript` (site/html.ts) embeds them safely.
 */
import type { FaqPair } from './types.js';

/** One step of a breadcrumb trail. */
export interface Breadcrumb {
  readonly name: string;
  /** Absolute URL. */
  readonly url: string;
}

/** schema.org `BreadcrumbList` for a trail such as Home › Post; positions start at 1. */
export function breadcrumbListJsonLd(trail: readonly Breadcrumb[]): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: trail.map((step, index) => ({ '@type': 'ListItem', position: index + 1, name: step.name, item: step.url })),
  };
}

/**
 * schema.org `FAQPage` with one `Question` per pair, each with exactly one `acceptedAnswer`; undefined when there
 * are no pairs (a page must not carry an empty FAQPage). `url` is the page's canonical URL.
 */
export function faqPageJsonLd(pairs: readonly FaqPair[], url: string): object | undefined {
  if (pairs.length === 0) return undefined;
  return {
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    url,
    mainEntity: pairs.map((pair) => ({
      '@type': 'Question',
      name: pair.question,
      acceptedAnswer: { '@type': 'Answer', text: pair.answerHtml },
    })),
  };
}
