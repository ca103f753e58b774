import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.xml': 'application/xml; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml',
};

export interface SiteServer {
  readonly origin: string;
  /** Every request path that was not a site file (a payload calling home lands here). */
  readonly strayRequests: string[];
  /** Serve files from this folder from now on. */
  setRoot(dir: string): void;
  close(): Promise<void>;
}

/**
 * The built site over HTTP on 127.0.0.1, as CloudFront serves it: `/posts/x/` is `posts/x/index.html`.
 * Started before the site exists (its origin is the site URL the pages are built with), pointed at it later.
 */
export async function startSiteServer(): Promise<SiteServer> {
  let root: string | undefined;
  const strayRequests: string[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      const relative = normalize(path.endsWith('/') ? `${path}index.html` : path).replace(/^([/\\])+/, '');
      if (!root || relative.startsWith('..')) {
        strayRequests.push(path);
        response.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(join(root, relative));
        response.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream' }).end(body);
      } catch {
        strayRequests.push(path);
        response.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    strayRequests,
    setRoot(dir) { root = dir; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
