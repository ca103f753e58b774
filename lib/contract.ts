/**
 * Names shared between the infrastructure and the Lambda handlers.
 *
 * The handlers read these values from their environment (see `ENV`); keep this file and the
 * handler configuration in step. Nothing here may import from `aws-cdk-lib` so it stays cheap to
 * import from tests.
 */

/** Key prefix of the markdown sources in the source bucket. Only `<prefix>*.md` triggers ingestion. */
export const POSTS_PREFIX = 'posts/';

/** Key prefix of the validation reports the ingest function writes back to the source bucket. */
export const REPORTS_PREFIX = 'reports/';

/** Suffix of the source objects that trigger ingestion. */
export const POST_SUFFIX = '.md';

/** Name of the global secondary index that lists posts by date. */
export const BY_DATE_INDEX = 'byDate';

/** Environment variable names read by the handlers. */
export const ENV = {
  POSTS_TABLE: 'POSTS_TABLE',
  SOURCE_BUCKET: 'SOURCE_BUCKET',
  SITE_BUCKET: 'SITE_BUCKET',
  PUBLISH_QUEUE_URL: 'PUBLISH_QUEUE_URL',
  SITE_URL: 'SITE_URL',
  SITE_TITLE: 'SITE_TITLE',
  SITE_DESCRIPTION: 'SITE_DESCRIPTION',
  SITE_LANGUAGE: 'SITE_LANGUAGE',
  POSTS_PREFIX: 'POSTS_PREFIX',
  REPORTS_PREFIX: 'REPORTS_PREFIX',
  SERVICE_NAME: 'SERVICE_NAME',
} as const;
