/**
 * The posts table, in one place for the CDK construct, the local embedded stack and the repository.
 * Items (single-table design):
 * - `POST#<key>` / `META`         the post's state, its latest processing report and, when live, its published fields.
 * - `POST#<key>` / `BODY#<hash>`  the rendered body (gzip), content-addressed so a META never points at a half-written body.
 * - `SLUG#<slug>` / `CLAIM`       which post owns a URL slug, so two files can never overwrite each other's page.
 * GSI `byDate`: only live posts carry `gsi1pk = PUBLISHED`, sorted by `<date>#<key>` — the site index without a scan.
 */
export const POSTS_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  byDateIndex: { name: 'byDate', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

export const PUBLISHED_PARTITION = 'PUBLISHED';
