/**
 * The viewer-request CloudFront Function run in `node:vm`, as cloudfront-js-2.0 runs it: a script whose one import is
 * the `cloudfront` module, here a fake whose `kvs()` reads a map (a KeyValueStore's `get` rejects a missing key).
 */
import vm from 'node:vm';
import { CLOUDFRONT_MODULE_IMPORT, VIEWER_REQUEST_FUNCTION_CODE } from '../../lib/constructs/site-delivery.js';

export interface FunctionRequest {
  uri: string;
  method: string;
  querystring: Record<string, { value: string; multiValue?: { value: string }[] }>;
  headers: Record<string, { value: string }>;
  cookies: Record<string, { value: string }>;
}

export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers: Record<string, { value: string }>;
  body?: { encoding: string; data: string };
}

export type ViewerRequestHandler = (event: { version: string; context: Record<string, string>; viewer: { ip: string }; request: FunctionRequest }) => Promise<FunctionRequest | FunctionResponse>;

/** The deployed function's code, its `cloudfront` import given `store` (undefined: the store has no such key). */
export function viewerRequestHandler(store: (key: string) => string | undefined, code = VIEWER_REQUEST_FUNCTION_CODE): ViewerRequestHandler {
  if (!code.startsWith(CLOUDFRONT_MODULE_IMPORT)) throw new Error('the function does not start with its cloudfront import');
  const reads: string[] = [];
  const cf = {
    kvs: () => ({
      async get(key: string) {
        reads.push(key);
        const value = store(key);
        if (value === undefined) throw new Error(`The key ${key} is not found`);
        return value;
      },
    }),
  };
  const context = vm.createContext({ cf });
  return vm.runInContext(`${code.slice(CLOUDFRONT_MODULE_IMPORT.length)}\n;handler`, context) as ViewerRequestHandler;
}

/** The event CloudFront gives the function for `url` (a path, with its query as the browser sent it). */
export function viewerRequestEvent(url: string) {
  const at = url.indexOf('?');
  const uri = at < 0 ? url : url.slice(0, at);
  const querystring: FunctionRequest['querystring'] = {};
  for (const part of at < 0 ? [] : url.slice(at + 1).split('&').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const entry = querystring[name];
    if (!entry) querystring[name] = { value };
    else entry.multiValue = [...entry.multiValue ?? [{ value: entry.value }], { value }];
  }
  const request: FunctionRequest = { uri, method: 'GET', querystring, headers: { host: { value: 'blog.example.com' } }, cookies: {} };
  return { version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '192.0.2.1' }, request };
}
