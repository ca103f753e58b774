export { POSTS_TABLE_SCHEMA } from '../contract.js';

/** The `byDate` partition that holds every live post. */
export const PUBLISHED_PARTITION = 'PUBLISHED';
