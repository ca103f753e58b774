import { GetObjectCommand } from '@aws-sdk/client-s3';
import { isPostFile } from '../core/post-files.js';
import type { PostReport } from '../services/report.js';
import { listKeys } from './content-files.js';
import type { EmbeddedStack } from './embedded-stack.js';

/** The authors' reports as the pipeline left them in the source bucket (`reports/<file>.json`), by post key. */
export async function readReports(stack: EmbeddedStack, keys?: readonly string[]): Promise<Map<string, PostReport>> {
  const { reportsPrefix } = stack.source.layout;
  const wanted = keys ? keys.map((key) => stack.source.reportKey(key)) : await listKeys(stack.s3, stack.names.sourceBucket, reportsPrefix);
  const reports = new Map<string, PostReport>();
  // Post reports only (`<post file>.json`: `.md`, `.markdown`…); the site summary `_site.json` is read on its own.
  for (const objectKey of wanted.filter((name) => name.endsWith('.json') && isPostFile(name.slice(0, -'.json'.length)))) {
    try {
      const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: objectKey }));
      reports.set(objectKey.slice(reportsPrefix.length, -'.json'.length), JSON.parse(await out.Body!.transformToString()) as PostReport);
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
    }
  }
  return reports;
}
