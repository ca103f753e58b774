/**
 * The names the infrastructure shares with the Lambda handlers come from the handlers' own contract,
 * so the two can never drift apart.
 */
export { ENV, ESM_REQUIRE_BANNER, LISTING_CHUNKS_PREFIX, LISTING_KEY, POST_SUFFIXES, POSTS_PREFIX, POSTS_TABLE_SCHEMA, REPORTS_PREFIX, PUBLISHER_PARTITIONS } from '../lambdas/contract.js';
import { POSTS_TABLE_SCHEMA } from '../lambdas/contract.js';

/** Name of the global secondary index that lists posts by date. */
export const BY_DATE_INDEX = POSTS_TABLE_SCHEMA.byDateIndex.name;
