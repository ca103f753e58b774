import type { Root } from 'mdast';
import { absoluteUrl } from './config.js';
import { applyCrossPostDecisions, type CrossPostDecision, type NearDuplicateDecision, type SectionAction } from './cross-post.js';
import { truncate } from './excerpt.js';
import { faqFingerprint } from './faq.js';
import { renderHtml } from './markdown-render.js';
import type { OwnFeatures } from './own-features.js';
import type { Related } from './related.js';
import { blocksAndSections, mainTextBlocks, type Block, type Section } from './sections.js';
import { html, joinHtml } from './site/html.js';
import { timeElement } from './site/post-list.js';
import { renderPostPage } from './site/post-page.js';
import { sitePaths } from './slug.js';
import type { TermInput } from './terms.js';
import type { PublishedPost, SiteConfig, SiteFile } from './types.js';

/**
 * What the publisher decides about a post by looking at the rest of the corpus: its excerpts without boilerplate,
 * sections that repeat earlier posts, whether the whole post is a near copy, its related posts and which of its
 * FAQ pairs it marks up. Plain data, stored on the post record and in the author's report.
 */
export interface PostView {
  readonly description: string;
  readonly summary: string;
  /** The earlier post this one nearly copies (rel=canonical to it, out of the sitemap), unless the author set `canonical`. */
  readonly canonicalUrl?: string;
  readonly sectionActions: readonly SectionAction[];
  readonly decisions: readonly (CrossPostDecision | NearDuplicateDecision)[];
  readonly related: readonly Related[];
  /** Fingerprints of the FAQ pairs this page marks up (pairs owned by an earlier page are shown but not marked up). */
  readonly faqFingerprints: readonly string[];
  /** Blocks of this post that are boilerplate (found in at least `boilerplateMinPosts` posts). */
  readonly boilerplateBlocks: number;
}

const DESCRIPTION_MAX = 160;
const SUMMARY_MAX = 280;

/** Blocks and sections of a stored body, computed once per post and shared by every step below. */
export interface PostStructure {
  readonly blocks: readonly Block[];
  readonly sections: readonly Section[];
  /** Computed ahead where the post was parsed (the in-process build's workers); the corpus step falls back to computing them. */
  readonly own?: OwnFeatures;
}

export function postStructure(tree: Root): PostStructure {
  const { blocks, sections } = blocksAndSections(tree);
  return { blocks, sections };
}

/** Description and summary from the post's own text: boilerplate (calls to action, disclaimers) left out. */
export function excerpts(post: Pick<PublishedPost, 'description' | 'summary'>, descriptionFromFrontMatter: boolean, main: readonly Block[]): { description: string; summary: string } {
  const text = main.map((block) => block.plain).filter((plain) => plain !== '').join(' ');
  if (text === '') return { description: post.description, summary: post.summary };
  return {
    description: descriptionFromFrontMatter ? post.description : truncate(text, DESCRIPTION_MAX),
    summary: truncate(text, SUMMARY_MAX),
  };
}

/** What related-post scoring reads: title, tags and the main text without boilerplate and without sections that repeat other posts. */
export function termInput(post: Pick<PublishedPost, 'title' | 'tags' | 'lang'>, structure: PostStructure, boilerplate: ReadonlySet<string>, actions: readonly SectionAction[]): TermInput {
  const dropped = new Set<number>();
  const byId = new Map(structure.sections.map((section) => [section.id, section]));
  for (const action of actions) {
    const section = byId.get(action.sectionId);
    if (section) for (const block of section.blocks) dropped.add(block.index);
  }
  const main = mainTextBlocks(structure.blocks, boilerplate).filter((block) => !dropped.has(block.index));
  return { title: post.title, text: main.map((block) => block.plain).join('\n'), tags: post.tags, lang: post.lang };
}

/** FAQ pairs of the post with their fingerprints (for site-wide ownership). */
export function faqFingerprintsOf(post: Pick<PublishedPost, 'faq'>): string[] {
  return [...new Set((post.faq ?? []).map((pair) => faqFingerprint(pair)))];
}

/** Sort key that orders posts as `comparePostOrder` does: dated first by date, undated after, then by key. */
export function postOrderKey(post: Pick<PublishedPost, 'key' | 'date'>): string {
  return `${post.date === undefined ? '1' : `0${post.date}`}\u0001${post.key}`;
}

/** The post as the site shows it: corpus decisions applied to its excerpts and canonical URL. */
export function viewedPost(post: PublishedPost, view: Pick<PostView, 'description' | 'summary' | 'canonicalUrl'> | undefined): PublishedPost {
  if (!view) return post;
  const canonical = post.canonical ?? view.canonicalUrl;
  return { ...post, description: view.description, summary: view.summary, ...(canonical !== undefined && { canonical }) };
}

/**
 * The body HTML as the site shows it. Without cross-post actions it is the HTML ingest rendered (when the caller
 * has it); otherwise the stored tree is rendered again with the actions applied. `body` is only called then.
 */
export function contentFor(post: PublishedPost, view: Pick<PostView, 'sectionActions'> | undefined, body: () => Root): string {
  const actions = view?.sectionActions ?? [];
  return actions.length === 0 && post.contentHtml !== '' ? post.contentHtml : renderHtml(applyCrossPostDecisions(body(), actions));
}

/** The post page: body with cross-post actions applied, related posts at the end, FAQ markup only for owned pairs. */
export function composePostPage(post: PublishedPost, body: () => Root, view: PostView | undefined, relatedPosts: ReadonlyMap<string, PublishedPost>, config: SiteConfig): SiteFile {
  const contentHtml = contentFor(post, view, body);
  const related = (view?.related ?? []).flatMap((entry) => {
    const target = relatedPosts.get(entry.key);
    return target ? [target] : [];
  });
  const shown = viewedPost({ ...post, contentHtml }, view);
  return renderPostPage(shown, config, {
    ...(related.length > 0 && {
      relatedHtml: renderRelatedSection(related, config),
      extraJsonLd: [{
        '@context': 'https://schema.org',
        '@type': 'WebPage',
        '@id': absoluteUrl(config, sitePaths.post(post.slug)),
        relatedLink: related.map((target) => absoluteUrl(config, sitePaths.post(target.slug))),
      }],
    }),
    ...(view && { faqFingerprints: view.faqFingerprints }),
  });
}

/** Characters of a related post's summary its entry in a "Related posts" section shows. */
export const RELATED_SUMMARY_CHARS = 140;

/** "Related posts": title, date and a one-line excerpt of each. */
export function renderRelatedSection(posts: readonly PublishedPost[], config: SiteConfig): string {
  const items = posts.map((target) => {
    const meta = joinHtml([target.date !== undefined && timeElement(target.date)], ' · ');
    return html`<li><a href="${absoluteUrl(config, sitePaths.post(target.slug))}">${target.title}</a> ${meta}<p>${truncate(target.summary, RELATED_SUMMARY_CHARS)}</p></li>
`;
  });
  return html`<section class="related" aria-labelledby="related-heading">
<h2 id="related-heading">Related posts</h2>
<ul>
${items}</ul>
</section>`.toString();
}
