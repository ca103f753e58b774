/**
 * The seed site's feeds, as `npm run build` publishes them: every item of every feed has a date a feed reader
 * reads, and none is the Unix epoch (four of the five seed posts have no `date`: they are dated by when they were
 * first published, the first commit of their file here).
 */
import { XMLParser } from 'fast-xml-parser';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';

const content = join(import.meta.dirname, '..', '..', 'content');

describe('the seed site\'s feeds', () => {
  it('date every item (RSS pubDate, Atom published/updated, JSON Feed date_published), none in 1970', async () => {
    const result = await buildInProcess({ contentDir: content, config: resolveSiteConfig({ siteUrl: 'https://blog.example.com' }), workers: 1 });
    const file = (path: string) => result.files.find((f) => f.path === path)!.body;
    const undated = [...result.reports.values()].filter((report) => report.datedByFirstPublished !== undefined);
    expect(undated.length).toBe(4);
    for (const report of undated) expect(report.notes.map((note) => note.ruleId)).toContain('post:date-first-published');

    const parser = new Parser();
    for (const path of ['feed.xml', 'atom.xml']) {
      const feed = await parser.parseString(file(path));
      expect(feed.items.length, path).toBe(5);
      for (const item of feed.items) {
        expect(item.isoDate, `${path}: ${item.title}`).toBeDefined();
        expect(Number.isFinite(Date.parse(item.isoDate!))).toBe(true);
        expect(item.isoDate!.startsWith('1970')).toBe(false);
      }
    }
    const xml = new XMLParser({ ignoreAttributes: false });
    const rssItems = xml.parse(file('feed.xml')).rss.channel.item as { pubDate?: string }[];
    expect(rssItems.every((item) => item.pubDate !== undefined)).toBe(true);
    const entries = xml.parse(file('atom.xml')).feed.entry as { published?: string; updated?: string }[];
    expect(entries.every((entry) => entry.published !== undefined && entry.updated !== undefined && !entry.updated.startsWith('1970'))).toBe(true);
    const items = (JSON.parse(file('feed.json')) as { items: { date_published?: string }[] }).items;
    expect(items.length).toBe(5);
    expect(items.every((item) => item.date_published !== undefined && !item.date_published.startsWith('1970'))).toBe(true);
    for (const path of ['feed.xml', 'atom.xml', 'feed.json']) expect(file(path)).not.toMatch(/1970|Jan 1970/);
  }, 120_000);
});
