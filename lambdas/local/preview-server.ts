import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GONE_CACHE_CONTROL, GONE_PAGE, lookupRedirect, REDIRECT_CACHE_CONTROL } from '../core/site/redirects.js';
import type { PostReport } from '../services/report.js';
import { PIPELINE_PATH, renderPipelineIndex, renderPipelinePost, type SiteSummary } from './pipeline-page.js';

/**
 * The local preview `npm start` serves: the site bucket of the embedded stack over HTTP, as CloudFront serves it
 * (old addresses answered from the redirect table with `301` or `410`, as the viewer-request function answers them
 * from the KeyValueStore; `/posts/x` → `/posts/x/`, `/posts/x/` → `posts/x/index.html`), plus live reload — a page
 * the browser shows reloads itself once a publish changed it. The reload script is added to HTML as it is served, by
 * this server only: the published files never contain it.
 */
export interface PreviewServer {
  readonly port: number;
  readonly url: string;
  /**
   * After each publish: tell the open pages which site paths it wrote or deleted (`posts/x/index.html`), and those
   * pages reload; the redirect table is read again on the next request.
   */
  changed(sitePaths: readonly string[]): void;
  close(): Promise<void>;
}

export interface PreviewServerOptions {
  /** Where the site is, once the embedded stack runs (undefined: the server answers 503 until then). */
  readonly site: () => { readonly s3: S3Client; readonly bucket: string } | undefined;
  /** @default 8080; a busy port falls back to a free one (`onPortBusy` says so) */
  readonly port?: number;
  readonly onPortBusy?: (wanted: number) => void;
  /** What the author's page (`/_pipeline/`) shows: the reports the pipeline wrote and the posts' source. @default no such page */
  readonly pipeline?: () => PipelineSource | undefined;
  /**
   * The redirect table as the edge holds it (lookup key → `301 /posts/x/` or `410`, see `edgeEntries`), read when a
   * request needs it and kept until the next `changed`. @default no redirects
   */
  readonly redirects?: () => Promise<ReadonlyMap<string, string> | undefined>;
}

/** Where the author's page reads from (the embedded stack's source bucket, in `npm start`). */
export interface PipelineSource {
  reports(): Promise<ReadonlyMap<string, PostReport>>;
  siteSummary(): Promise<SiteSummary | undefined>;
  /** The text of a post's source file, by key. */
  source(key: string): Promise<string | undefined>;
}

/** The server-sent events stream pages listen to (a path no site file can have: site paths never start with `_`). */
export const LIVE_RELOAD_PATH = '/_pipeline/live-reload';

/**
 * Added before `</body>` of every HTML page served. It reloads the page when a publish changed it, and when the
 * connection comes back after `npm start` was restarted (the site may have changed meanwhile).
 */
export const LIVE_RELOAD_SCRIPT = `<script>(() => {
  const here = location.pathname.endsWith('/') ? location.pathname + 'index.html' : location.pathname;
  let lost = false;
  const events = new EventSource(${JSON.stringify(LIVE_RELOAD_PATH)});
  events.onopen = () => { if (lost) location.reload(); document.documentElement.dataset.liveReload = 'connected'; };
  events.onerror = () => { lost = true; };
  events.addEventListener('changed', (event) => { if (JSON.parse(event.data).includes(here)) location.reload(); });
})();</script>`;

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const listeners = new Set<ServerResponse>();
  /** The redirect table as last read (until the next publish). */
  let redirects: Promise<ReadonlyMap<string, string> | undefined> | undefined;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === LIVE_RELOAD_PATH) return listen(response);
    const answer = path.startsWith(PIPELINE_PATH) ? servePipeline(request, response) : serve(request, response);
    void answer.catch((err: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`internal error: ${(err as Error).message}\n`);
    });
  });
  // Keeps idle event streams open through proxies and tells a closed tab's stream apart.
  const keepAlive = setInterval(() => { for (const listener of listeners) listener.write(': keep-alive\n\n'); }, 15_000);
  keepAlive.unref();
  const port = await listenOn(server, options.port ?? 8080, options.onPortBusy);
  const url = `http://127.0.0.1:${port}`;

  function listen(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    response.write('retry: 500\n\n');
    listeners.add(response);
    response.on('close', () => listeners.delete(response));
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requested = new URL(request.url ?? '/', url);
    const site = options.site();
    if (!site) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('starting, try again in a moment\n');
      return;
    }
    // Old addresses first, as the viewer-request function does (the table never holds a path the site publishes).
    if (options.redirects) {
      let table: ReadonlyMap<string, string> | undefined;
      try {
        table = await (redirects ??= options.redirects());
      } catch (err) {
        redirects = undefined;
        throw err;
      }
      const answer = table && lookupRedirect(`${requested.pathname}${requested.search}`, (key) => table.get(key));
      if (answer?.status === 301) {
        response.writeHead(301, { location: answer.location, 'cache-control': REDIRECT_CACHE_CONTROL }).end();
        return;
      }
      if (answer?.status === 410) {
        response.writeHead(410, { 'content-type': 'text/html; charset=utf-8', 'cache-control': GONE_CACHE_CONTROL }).end(GONE_PAGE);
        return;
      }
    }
    let key = decodeURIComponent(requested.pathname).replace(/^\/+/, '');
    if (key === '' || key.endsWith('/')) key += 'index.html';
    else if (!/\.[a-z0-9]+$/i.test(key)) {
      // `/posts/slug` → `/posts/slug/` (CloudFront's function serves the page at both).
      response.writeHead(301, { location: `${requested.pathname}/` }).end();
      return;
    }
    try {
      const object = await site.s3.send(new GetObjectCommand({ Bucket: site.bucket, Key: key }));
      const contentType = object.ContentType ?? 'application/octet-stream';
      const body = await object.Body!.transformToByteArray();
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
      response.end(contentType.startsWith('text/html') ? withLiveReload(Buffer.from(body).toString('utf8')) : body);
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: /${key}\n`);
    }
  }

  async function servePipeline(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requested = new URL(request.url ?? '/', url);
    const source = options.pipeline?.();
    if (!source) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('starting, try again in a moment\n');
      return;
    }
    const reports = await source.reports();
    let html: string | undefined;
    if (requested.pathname === PIPELINE_PATH) html = renderPipelineIndex(reports, await source.siteSummary(), requested.searchParams.get('sort'));
    else if (requested.pathname === `${PIPELINE_PATH}post`) {
      const key = requested.searchParams.get('file') ?? '';
      const report = reports.get(key);
      if (report) {
        // The posts its repeats point at, for the side-by-side view.
        const others = new Map<string, string>();
        for (const message of [...report.warnings, ...report.notes]) {
          const file = message.related?.file;
          if (file !== undefined && !others.has(file)) others.set(file, (await source.source(file)) ?? '');
        }
        html = renderPipelinePost(key, report, await source.source(key), others);
      }
    }
    if (html === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${requested.pathname}${requested.search}\n`);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    response.end(withLiveReload(html));
  }

  return {
    port,
    url,
    changed(sitePaths) {
      redirects = undefined;
      if (sitePaths.length === 0 || listeners.size === 0) return;
      const message = `event: changed\ndata: ${JSON.stringify(sitePaths.map((path) => `/${path}`))}\n\n`;
      for (const listener of listeners) listener.write(message);
    },
    async close() {
      clearInterval(keepAlive);
      for (const listener of listeners) listener.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The page with the live-reload script before its last `</body>` (at the end when it has none). */
export function withLiveReload(html: string): string {
  const at = html.lastIndexOf('</body>');
  return at < 0 ? `${html}${LIVE_RELOAD_SCRIPT}` : `${html.slice(0, at)}${LIVE_RELOAD_SCRIPT}\n${html.slice(at)}`;
}

function listenOn(server: Server, wanted: number, onPortBusy?: (wanted: number) => void): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' || wanted === 0) return reject(err);
      onPortBusy?.(wanted);
      resolvePort(listenOn(server, 0));
    });
    server.listen(wanted, '127.0.0.1', () => resolvePort((server.address() as AddressInfo).port));
  });
}
