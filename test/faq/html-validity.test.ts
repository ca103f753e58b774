import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { FAQ_POST } from './fixtures.js';
import { faqPages, md, post, testConfig } from './helpers.js';

const run = promisify(execFile);
const vnuJar = createRequire(import.meta.url)('vnu-jar') as string;
const javaAvailable = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!javaAvailable)('post pages with FAQ sections', () => {
  it('pass the Nu HTML checker with --errors-only', async () => {
    const both = post(FAQ_POST.replace('date: 2024-05-01\n', 'date: 2024-05-01\nfaq:\n  - question: Who runs the sessions?\n    answer: |\n      Our **clinicians**:\n\n      | Role | Count |\n      |---|---|\n      | Doctor | 2 |\n\n      ```\n      code\n      ```\n'));
    const frontMatterOnly = post(md('title: Front matter FAQ\nfaq:\n  - question: "Is </script> <!-- escaped?"\n    answer: "#### Yes\\n\\nIt is."'));
    const dir = await mkdtemp(join(tmpdir(), 'vnu-faq-'));
    const files: string[] = [];
    for (const [name, result] of [['both', both], ['front-matter', frontMatterOnly]] as const) {
      const page = renderPostPage(result, testConfig).body;
      expect(faqPages(page)).toHaveLength(1);
      expect(page).toContain('<section class="faq">');
      const file = join(dir, `${name}.html`);
      await writeFile(file, page);
      files.push(file);
    }
    const result = await run('java', ['-jar', vnuJar, '--errors-only', ...files]).catch((err: { stdout: string; stderr: string }) => err);
    expect(`${result.stdout}${result.stderr}`).toBe('');
  });
});
