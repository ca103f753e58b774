import { describe, expect, it } from 'vitest';
import { rankRelated } from '../../lambdas/core/related.js';
import { buildCorpus, type FixturePost } from './fixtures.js';

/** Each mini-corpus: two topics × three posts, everyday words shared across topics, the same generic tag on every post. */
function expectTopicsRankFirst(posts: readonly FixturePost[]) {
  const corpus = buildCorpus(posts);
  for (const post of corpus.posts) {
    const related = rankRelated(post, corpus.posts, corpus.stats, { limit: 4, minScore: 0 });
    const groups = related.map((r) => corpus.posts.find((p) => p.key === r.key)!.group);
    expect(groups.slice(0, 2), `${post.key} → ${related.map((r) => r.key).join(', ')}`).toEqual([post.group, post.group]);
    expect(related[0]!.sharedTerms.length).toBeGreaterThan(0);
  }
  return corpus;
}

const make = (lang: string, tag: string) => (key: string, group: string, title: string, text: string): FixturePost =>
  ({ key, group, title, text, tags: [tag], lang });

describe('non-English posts', () => {
  it('French: same-topic posts first; stop words never explain a match', () => {
    const fr = make('fr', 'blog');
    const corpus = expectTopicsRankFirst([
      fr('fr/gateau', 'cuisine', 'Un gâteau au chocolat', "Cette semaine, nous avons préparé un gâteau au chocolat avec du beurre et de la farine. La pâte repose une heure, puis la cuisson au four dure quarante minutes. Le gâteau est toujours meilleur le lendemain, c'est une recette de famille."),
      fr('fr/tarte', 'cuisine', 'La tarte aux pommes', "Pour la tarte aux pommes, la pâte brisée demande du beurre froid et de la farine. Nous coupons les pommes en lamelles, puis la cuisson au four se fait à feu moyen. Une recette simple que toute la famille aime le week-end."),
      fr('fr/pain', 'cuisine', 'Le pain maison', "Faire son pain maison demande de la farine, de l'eau, du sel et de la levure. La pâte lève toute la nuit. Le lendemain, la cuisson au four bien chaud donne une croûte dorée. Une recette que nous partageons avec plaisir cette semaine."),
      fr('fr/col', 'velo', 'Monter un col à vélo', "Cette semaine, nous avons monté un col à vélo avec des amis. La montée est longue, il faut pédaler régulièrement et choisir le bon braquet. En haut du col, la descente demande de bons freins et des pneus en bon état."),
      fr('fr/entretien', 'velo', 'Entretenir son vélo', "Un vélo bien entretenu roule mieux. Nous nettoyons la chaîne, vérifions les freins et gonflons les pneus avant chaque sortie. Le dérailleur et le braquet se règlent en quelques minutes, une habitude simple pour toute la famille."),
      fr('fr/voyage', 'velo', 'Voyager à vélo', "Partir en voyage à vélo avec des sacoches : chaque jour, nous roulons sur de petites routes, une montée puis une descente. Les pneus larges et de bons freins rendent la sortie agréable. Le soir, nous retrouvons les amis au camping."),
    ]);
    const explained = corpus.posts.flatMap((p) => rankRelated(p, corpus.posts, corpus.stats).flatMap((r) => r.sharedTerms.map((t) => t.word)));
    for (const stop of ['la', 'le', 'de', 'nous', 'une', 'avec']) expect(explained).not.toContain(stop);
  });

  it('German: same-topic posts first', () => {
    const de = make('de', 'blog');
    expectTopicsRankFirst([
      de('de/rosen', 'garten', 'Rosen im Garten', 'Im Frühjahr schneiden wir die Rosen im Garten. Die Erde braucht Kompost, und die Pflanzen wollen morgens gegossen werden. Am Wochenende haben wir neue Rosen gepflanzt, eine schöne Arbeit für die ganze Familie.'),
      de('de/beet', 'garten', 'Ein neues Beet', 'Für das neue Beet im Garten mischen wir Kompost unter die Erde. Danach setzen wir die Pflanzen und gießen sie gründlich. Bald wachsen Tomaten, Kräuter und Salat, wenn das Wetter am Wochenende mitspielt.'),
      de('de/herbst', 'garten', 'Der Garten im Herbst', 'Im Herbst räumen wir mit der Familie den Garten auf: das Laub kommt auf den Kompost, die Erde wird gelockert und empfindliche Pflanzen werden abgedeckt. So überstehen auch die Rosen den Winter gut.'),
      de('de/alpen', 'rad', 'Mit dem Fahrrad über die Alpen', 'Am Wochenende sind wir mit dem Fahrrad über einen Pass in den Alpen gefahren. Der Anstieg war lang, die Abfahrt schnell, und Bremsen und Reifen mussten viel aushalten. Nach Stunden im Sattel hat die ganze Familie Kuchen gegessen.'),
      de('de/kette', 'rad', 'Die Kette pflegen', 'Eine saubere Kette macht das Fahrrad leiser und schneller. Wir reinigen die Kette, prüfen die Bremsen und pumpen die Reifen auf. Auch der Sattel sollte richtig eingestellt sein, bevor die nächste Tour beginnt.'),
      de('de/tour', 'rad', 'Eine Tour am See', 'Unsere Tour führte mit dem Fahrrad rund um den See. Gute Reifen und funktionierende Bremsen sind wichtig, und ein bequemer Sattel hilft bei langen Strecken. Am Wochenende fahren wir die Tour mit der Familie wieder.'),
    ]);
  });

  it('Japanese: same-topic posts first, through character bigrams', () => {
    const ja = make('ja', 'ブログ');
    const corpus = expectTopicsRankFirst([
      ja('ja/curry', '料理', 'カレーの作り方', '週末にカレーを作りました。材料は玉葱と鶏肉と野菜です。香辛料を加えて弱火で煮込むと、料理の味が深くなります。家族と一緒に夕食を楽しみました。'),
      ja('ja/miso', '料理', '味噌汁の基本', '味噌汁は毎日の料理の基本です。材料は豆腐と野菜と味噌です。出汁を取り、弱火で煮込んでから味噌を溶きます。週末は家族と朝食に作ります。'),
      ja('ja/bread', '料理', '手作りパン', '小麦粉と酵母で手作りパンを焼きました。材料を混ぜて生地を寝かせ、オーブンで焼くと香ばしい料理になります。味付けは塩だけです。週末に家族と朝食で食べました。'),
      ja('ja/moon', '天体', '月の観測', '週末に望遠鏡で月を観測しました。月面のクレーターがよく見えます。天体観測には晴れた夜と暗い場所が大切です。家族と一緒に星空を楽しみました。'),
      ja('ja/jupiter', '天体', '木星と土星', '望遠鏡で木星と土星を観測しました。木星の縞模様と土星の環が見えました。天体観測は夜空が暗い場所で行います。週末に友人と一緒に観測しました。'),
      ja('ja/meteor', '天体', '流星群の夜', '流星群の夜は望遠鏡よりも肉眼で星空を見上げます。暗い場所で天体を観測すると、流星がたくさん見えます。週末に家族と一緒に夜空を楽しみました。'),
    ]);
    const moon = corpus.posts.find((p) => p.key === 'ja/moon')!;
    const words = rankRelated(moon, corpus.posts, corpus.stats).flatMap((r) => r.sharedTerms.map((t) => t.word));
    expect(words.some((w) => ['望遠', '遠鏡', '観測', '天体', '夜空', '星空'].includes(w))).toBe(true);
    // Kanji bigrams (or a lone kanji) and whole katakana words; hiragana particles never become terms.
    for (const post of corpus.posts) {
      for (const { term } of post.vector.body) expect(term).toMatch(/^(?:\p{sc=Han}{1,2}|[\p{sc=Katakana}ー]{2,})$/u);
    }
  });
});
