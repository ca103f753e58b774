import { sitePaths } from '../slug.js';
import type { SiteFile } from '../types.js';
import { siteFile } from './files.js';

/** One small stylesheet: system fonts, a readable measure, phone-friendly, light and dark. */
export const STYLESHEET = `:root {
  color-scheme: light dark;
  --text: #1f2328;
  --muted: #59636e;
  --background: #ffffff;
  --surface: #f6f8fa;
  --border: #d1d9e0;
  --link: #0b57d0;
  --link-visited: #6f3cc4;
}

@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6edf3;
    --muted: #9198a1;
    --background: #0d1117;
    --surface: #161b22;
    --border: #3d444d;
    --link: #79b8ff;
    --link-visited: #c5a3ff;
  }
}

*, *::before, *::after { box-sizing: border-box; }

html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }

body {
  margin: 0 auto;
  max-width: 42rem;
  padding: 1rem 1.25rem 3rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 1.0625rem;
  line-height: 1.65;
  color: var(--text);
  background: var(--background);
  overflow-wrap: break-word;
}

a { color: var(--link); text-underline-offset: 0.15em; }
a:visited { color: var(--link-visited); }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }

h1, h2, h3, h4 { line-height: 1.25; margin: 2rem 0 0.75rem; }
h1 { font-size: 2rem; margin-top: 1rem; }
h2 { font-size: 1.4rem; }
h3 { font-size: 1.15rem; }

img, video, svg { max-width: 100%; height: auto; }
figure { margin: 1.5rem 0; }
figcaption { color: var(--muted); font-size: 0.9rem; }

pre, code, kbd, samp { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: var(--surface); padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: var(--surface); padding: 1rem; border-radius: 6px; overflow-x: auto; line-height: 1.45; }
pre code { background: none; padding: 0; }

blockquote { margin: 1.5rem 0; padding: 0 1rem; border-left: 4px solid var(--border); color: var(--muted); }

table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; margin: 1.5rem 0; }
th, td { border: 1px solid var(--border); padding: 0.4rem 0.7rem; text-align: left; }
th { background: var(--surface); }

hr { border: 0; border-top: 1px solid var(--border); margin: 2rem 0; }

.site-header {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  justify-content: space-between;
  gap: 0.5rem 1.5rem;
  padding-bottom: 0.75rem;
  border-bottom: 1px solid var(--border);
}
.site-title { margin: 0; font-weight: 700; font-size: 1.15rem; }
.site-title a { color: inherit; text-decoration: none; }
.site-header nav ul { display: flex; gap: 1rem; margin: 0; padding: 0; list-style: none; }

.site-description, .post-meta, .count, .empty { color: var(--muted); }
.post-meta { font-size: 0.95rem; margin: 0.25rem 0 0.75rem; }

.post-list { list-style: none; margin: 0; padding: 0; }
.post-summary { padding: 1.25rem 0; border-bottom: 1px solid var(--border); }
.post-summary:last-child { border-bottom: 0; }
.post-summary h2 { margin: 0; font-size: 1.3rem; }
.post-summary h2 a { text-decoration: none; }
.post-summary h2 a:hover { text-decoration: underline; }
.post-summary p { margin: 0.25rem 0 0; }
.pagination { display: flex; justify-content: space-between; gap: 1rem; margin-top: 1.5rem; }
.pagination a[rel="next"] { margin-left: auto; }

.tag-list { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0; padding: 0; list-style: none; font-size: 0.9rem; }
.tag-list li { background: var(--surface); border: 1px solid var(--border); border-radius: 999px; padding: 0 0.6rem; }
.tag-index { padding-left: 1.25rem; }

.site-footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.9rem; }

@media (max-width: 30rem) {
  body { font-size: 1rem; padding: 0.75rem 1rem 2rem; }
  h1 { font-size: 1.6rem; }
}
`;

export function renderStylesheet(): SiteFile {
  return siteFile(sitePaths.stylesheet, STYLESHEET, 'stylesheet');
}

/**
 * The site's icon. Without one every page view asks for `/favicon.ico` and gets a 404 (a console error Lighthouse
 * counts against best practices); pages link this one instead. Plain SVG, no script.
 */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f4e79"/><path d="M9 10h14M9 16h14M9 22h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>
`;

export function renderIcon(): SiteFile {
  return siteFile(sitePaths.icon, ICON, 'icon');
}
