import { describe, expect, it } from 'vitest';
import { corpusFromVectors } from '../../lambdas/core/related.js';
import { analyze, analyzerLanguage, extractTerms, indexKeys, TERM_VECTOR_VERSION, type TermInput } from '../../lambdas/core/terms.js';
import { seedPosts, topicCorpus } from './fixtures.js';

const post = (text: string, extra: Partial<TermInput> = {}): TermInput => ({ title: '', text, tags: [], lang: 'en', ...extra });
const terms = (text: string, lang = 'en') => analyze(text, lang).map((t) => t.term);

describe('extractTerms', () => {
  it('weights are sublinear tf over the post’s own length: (1 + ln tf) / L2 norm', () => {
    const vector = extractTerms(post('Apples apples banana.'));
    const apple = (1 + Math.log(2)) / Math.sqrt((1 + Math.log(2)) ** 2 + 1);
    const banana = 1 / Math.sqrt((1 + Math.log(2)) ** 2 + 1);
    expect(vector.body).toEqual([
      { term: 'appl', weight: Number(apple.toFixed(6)), word: 'apples' },
      { term: 'banana', weight: Number(banana.toFixed(6)), word: 'banana' },
    ]);
  });

  it('is independent of every other post: the same vector alone or inside any corpus, and carries no corpus data', () => {
    const [first, ...others] = seedPosts();
    const alone = extractTerms(first!);
    // Extract other posts (and build corpus statistics) in between: no hidden state may leak into the vector.
    corpusFromVectors(others.map((p) => extractTerms(p)));
    corpusFromVectors(topicCorpus(2).map((p) => extractTerms(p)));
    const again = extractTerms(first!);
    expect(again).toStrictEqual(alone);
    expect(Object.keys(alone).sort()).toEqual(['body', 'lang', 'tags', 'title', 'version']);
    expect(alone.version).toBe(TERM_VECTOR_VERSION);
  });

  it('keeps the top K body terms, heaviest first, and says so in the defaults (K = 40)', () => {
    const seed = seedPosts()[0]!;
    expect(extractTerms(seed).body).toHaveLength(40);
    const five = extractTerms(seed, { maxTerms: 5 }).body;
    expect(five).toHaveLength(5);
    expect(five).toEqual(extractTerms(seed).body.slice(0, 5));
    for (let i = 1; i < five.length; i++) expect(five[i - 1]!.weight).toBeGreaterThanOrEqual(five[i]!.weight);
    expect(() => extractTerms(seed, { maxTerms: 0 })).toThrow(RangeError);
  });

  it('keeps title terms and normalised tag ids apart from body terms', () => {
    const vector = extractTerms({ title: 'Growing Tomatoes', text: 'Compost and soil.', tags: ['Home Garden', 'home garden', 'Soil', '  '], lang: 'en' });
    expect(vector.title.map((t) => t.term)).toEqual(['grow', 'tomato']);
    expect(vector.body.map((t) => t.term)).toEqual(['compost', 'soil']);
    expect(vector.tags).toEqual(['home-garden', 'soil']);
    expect(indexKeys(vector)).toEqual(['compost', 'grow', 'soil', 'tag:home-garden', 'tag:soil', 'tomato']);
  });

  it('removes English stop words, including common ones the stopword list lacks', () => {
    const found = terms('The patients and their doctors will not see it, but we can’t say it’s over for them.');
    expect(found).toEqual(['patient', 'doctor', 'see', 'sai']);
  });

  it('merges stems ("treatments"/"treatment") and shows the most frequent surface word', () => {
    const vector = extractTerms(post('Treatments vary. The treatments work; one treatment failed.'));
    const treatment = vector.body.filter((t) => t.term === 'treatment');
    expect(treatment).toHaveLength(1);
    expect(treatment[0]!.word).toBe('treatments');
    expect(vector.body[0]!.term).toBe('treatment');
  });

  it('shows lower case unless a word only ever appears capitalised (acronyms, names)', () => {
    const vector = extractTerms(post('Relief came. Relief is near, relief for all. NMDA receptors. NMDA again. Vancouver clinics.'));
    const word = (term: string) => vector.body.find((t) => t.term === term)?.word;
    expect(word('relief')).toBe('relief');
    expect(word('nmda')).toBe('NMDA');
    expect(word('vancouv')).toBe('Vancouver');
  });

  it('splits possessives and elisions and drops numbers and one-letter leftovers', () => {
    expect(terms('Ketamine’s effect in 2024: a 5 mg dose of N-methyl-D-aspartate.')).toEqual(['ketamin', 'effect', 'mg', 'dose', 'methyl', 'aspart']);
    expect(terms("L'article de l'auteur sur la cuisine d'aujourd'hui.", 'fr')).toEqual(['article', 'auteur', 'cuisine', "aujourd'hui"]);
    expect(terms("We're sure it's rock'n'roll, o'clock.")).toEqual(['sure', "rock'n'rol", 'clock']);
  });

  it('uses the post’s language: stop words from `stopword`, no stemming outside English', () => {
    expect(terms('Les recettes de la cuisine et des gâteaux pour nous.', 'fr')).toEqual(['recettes', 'cuisine', 'gâteaux']);
    expect(terms('Die Kette und der Sattel des Fahrrads sind neu.', 'de-AT')).toEqual(['kette', 'sattel', 'fahrrads', 'neu']);
    // An unknown language gets neither stop words nor stemming, rather than English rules that would be wrong.
    expect(terms('the gardens', 'xx')).toEqual(['the', 'gardens']);
  });

  it('turns CJK text without spaces into character bigrams, dropping hiragana particles and Chinese stop characters', () => {
    expect(terms('天体観測の望遠鏡', 'ja')).toEqual(['天体', '体観', '観測', '望遠', '遠鏡']);
    // Katakana loanwords stay whole, so カレー (curry) and クレーター (crater) share no fragment like レー.
    expect(terms('コーヒーを飲む', 'ja')).toEqual(['コーヒー', '飲']);
    expect(terms('カレーとクレーター', 'ja')).toEqual(['カレー', 'クレーター']);
    expect(terms('我的望远镜', 'zh')).toEqual(['望远', '远镜']);
    expect(extractTerms(post('天体観測と天体写真', { lang: 'ja' })).body[0]).toEqual({ term: '天体', weight: expect.any(Number), word: '天体' });
    // Thai has no spaces either: bigrams instead of whole phrases as "words".
    expect(terms('กล้องโทรทรรศน์', 'th').every((t) => [...t].length <= 2)).toBe(true);
  });

  it('maps BCP 47 tags to analyzers', () => {
    expect(analyzerLanguage('en-GB')).toBe('en');
    expect(analyzerLanguage('pt_BR')).toBe('pt-br');
    expect(analyzerLanguage('pt-PT')).toBe('pt');
    expect(analyzerLanguage('zh-Hant-TW')).toBe('zh');
    expect(analyzerLanguage('')).toBe('und');
  });
});
