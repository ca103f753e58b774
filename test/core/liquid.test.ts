import { describe, expect, it } from 'vitest';
import { convertLiquid } from '../../lambdas/core/liquid.js';
import { md, published } from './helpers.js';

const options = { siteUrl: 'https://blog.example.com', postUrl: (slug: string) => `https://blog.example.com/posts/${slug}/` };

describe('Liquid and shortcode leftovers', () => {
  it('turns {% highlight %} blocks into fenced code, keeping the language and the code as written', () => {
    const text = ['Intro', '', '{% highlight ruby linenos %}', 'puts "{{ not liquid }}"', '```', '{% endhighlight %}', '', 'After'].join('\n');
    const result = convertLiquid(text, options);
    expect(result.text.split('\n')).toEqual(['Intro', '', '````ruby', 'puts "{{ not liquid }}"', '```', '````', '', 'After']);
    expect(result.messages).toEqual([expect.objectContaining({ ruleId: 'liquid:converted', severity: 'info', line: 3 })]);
  });

  it('unwraps {% raw %} and keeps what it wraps unreported', () => {
    const result = convertLiquid('Use {% raw %}{{ page.title }}{% endraw %} in a layout.', options);
    expect(result.text).toBe('Use {{ page.title }} in a layout.');
    expect(convertLiquid('`{% raw %}{% raw %}{% endraw %}`', options).text).toBe('`{% raw %}`');
    expect(result.messages.filter((m) => m.ruleId === 'liquid:unprocessed')).toEqual([]);
  });

  it('links {% post_url %} and {% link _posts/… %} to the post they name', () => {
    const result = convertLiquid('See [the release]({% post_url 2016-07-26-jekyll-3-2-0-released %}) and [this]({% link _posts/2014-05-06-jekyll-turns-2-0-0.markdown %}).', options);
    expect(result.text).toBe('See [the release](https://blog.example.com/posts/2016-07-26-jekyll-3-2-0-released/) and [this](https://blog.example.com/posts/2014-05-06-jekyll-turns-2-0-0/).');
  });

  it('keeps any other tag as text and reports it with its line, but not inside code', () => {
    const text = ['First line', 'Issues: {{ site.repository }}/issues', '{% for x in list %}', '`{{ example }}` in code', '```', '{{ in a fence }}', '```', '{{< figure src="a.png" >}}'].join('\n');
    const result = convertLiquid(text, options);
    expect(result.text).toBe(text);
    expect(result.messages.map((m) => [m.ruleId, m.line])).toEqual([['liquid:unprocessed', 2], ['liquid:unprocessed', 3], ['liquid:unprocessed', 8]]);
  });

  it('replaces {{ site.url }} and {{ site.baseurl }} as Jekyll would for a site at the root', () => {
    expect(convertLiquid('[a]({{ site.baseurl }}/docs/) [b]({{ site.url }}/x)', options).text).toBe('[a](/docs/) [b](https://blog.example.com/x)');
  });

  it('works through processPost: the page shows code, not tags, and the front matter is left alone', () => {
    const outcome = published(md('title: "{{ kept }}"', '{% highlight js %}\nlet a = 1;\n{% endhighlight %}\n\nText with {% include note.html %} here.'));
    expect(outcome.post.title).toBe('{{ kept }}');
    expect(outcome.post.contentHtml).toContain('<code class="language-js">let a = 1;');
    expect(outcome.post.contentHtml).not.toContain('highlight');
    expect(outcome.messages.find((m) => m.ruleId === 'liquid:unprocessed')).toMatchObject({ line: 9 });
  });
});

describe('Liquid leftovers on hostile input', () => {
  it('stays linear on a long line of braces and backticks', () => {
    const line = `${'{{ `'.repeat(50_000)} {% a %}`;
    const result = convertLiquid(line, options);
    expect(result.text).toBe(line);
    // The one closed tag is reported; the unclosed braces are text.
    expect(result.messages.filter((m) => m.ruleId === 'liquid:unprocessed').length).toBeGreaterThan(0);
  });
});
