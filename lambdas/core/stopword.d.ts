/**
 * Minimal types for `stopword` (ships none). Only the per-language lists that terms.ts maps from BCP 47
 * are declared; each is an array of lower-case stop words named by ISO 639-3 code.
 */
declare module 'stopword' {
  type List = readonly string[];
  export const afr: List, ara: List, ben: List, bre: List, bul: List, cat: List, ces: List, dan: List, deu: List;
  export const ell: List, eng: List, epo: List, est: List, eus: List, fas: List, fin: List, fra: List, gle: List;
  export const glg: List, guj: List, hau: List, heb: List, hin: List, hrv: List, hun: List, hye: List, ind: List;
  export const ita: List, jpn: List, kor: List, kur: List, lat: List, lav: List, lit: List, mar: List, msa: List;
  export const mya: List, nld: List, nob: List, panGu: List, pol: List, por: List, porBr: List, ron: List, rus: List;
  export const slk: List, slv: List, som: List, sot: List, spa: List, swa: List, swe: List, tgl: List, tha: List;
  export const tur: List, ukr: List, urd: List, vie: List, yor: List, zho: List, zul: List;
}
