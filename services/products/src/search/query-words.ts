import { type Executor, rowsOf, textArray } from "@mercato/platform";
import { sql } from "drizzle-orm";

/** Longest query word looked at; longer tokens are kept but never corrected. */
const maxWordLength = 40;
/** Shortest word the spelling correction touches (shorter words have too many neighbours). */
const minCorrectedLength = 4;
/** Letters tried when substituting or inserting one character, besides the word's own. */
const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789äöüßéèêàâáçñóòôúùíìøåæœ";

/**
 * Splits a query into lower-case words as the `simple` text-search configuration sees them:
 * runs of letters and digits, everything else separates. Duplicates are dropped, order kept.
 */
export function queryWords(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
  return [...new Set(words)];
}

/** Every string one edit away from `word`: one letter deleted, swapped with its neighbour, replaced or inserted. */
export function oneEditAway(word: string): string[] {
  const letters = [...word];
  const pool = [...new Set([...alphabet, ...letters])];
  const out = new Set<string>();
  for (let i = 0; i <= letters.length; i++) {
    const head = letters.slice(0, i).join("");
    const tail = letters.slice(i);
    if (tail.length > 0) out.add(head + tail.slice(1).join(""));
    if (tail.length > 1) out.add(head + (tail[1] ?? "") + (tail[0] ?? "") + tail.slice(2).join(""));
    for (const letter of pool) {
      if (tail.length > 0) out.add(head + letter + tail.slice(1).join(""));
      out.add(head + letter + tail.join(""));
    }
  }
  out.delete(word);
  return [...out];
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent swaps) between two words. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = best;
    }
  }
  return at(x.length, y.length);
}

/**
 * Words recently found in the lexicon, so that a search for common words skips the lexicon lookup
 * (a second round trip to PostgreSQL on every search). The lexicon only grows between rebuilds; a
 * rebuild may drop words, so an entry is trusted for `ttlMs` only: for that long at most, a word
 * that left the lexicon is searched as typed instead of corrected. Bounded to `capacity` words,
 * the oldest dropped first.
 */
export class KnownWords {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly capacity = 20_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  has(word: string): boolean {
    const at = this.seen.get(word);
    if (at === undefined) return false;
    if (this.now() - at <= this.ttlMs) return true;
    this.seen.delete(word);
    return false;
  }

  add(word: string): void {
    this.seen.delete(word);
    this.seen.set(word, this.now());
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

/** The words to search for after spelling correction, and whether any was corrected. */
export interface CorrectedWords {
  words: string[];
  corrected: boolean;
}

/**
 * Replaces each query word that no visible document contains (it is missing from the lexicon) by
 * the closest lexicon word: first any word one edit away (exact lookups on the primary key), then,
 * for words of 7+ letters, the trigram-nearest word within two edits (GiST KNN on the lexicon).
 * Words of fewer than 4 letters, words with a digit (sizes, model numbers) and words without a
 * close neighbour stay as typed.
 */
export async function correctWords(
  db: Executor,
  words: readonly string[],
  knownWords?: KnownWords,
): Promise<CorrectedWords> {
  if (words.length === 0) return { words: [], corrected: false };
  const known = new Set(words.filter((word) => knownWords?.has(word)));
  const unsure = words.filter((word) => !known.has(word));
  if (unsure.length > 0) {
    const found = rowsOf<{ word: string }>(
      await db.execute(
        sql`select word from products.search_lexicon where word = any(${textArray(unsure)}::text[])`,
      ),
    ).map((row) => row.word);
    for (const word of found) {
      known.add(word);
      knownWords?.add(word);
    }
  }
  let corrected = false;
  const out: string[] = [];
  for (const word of words) {
    const length = [...word].length;
    if (known.has(word) || length < minCorrectedLength || length > maxWordLength || /\p{N}/u.test(word)) {
      out.push(word);
      continue;
    }
    const replacement = await closestWord(db, word);
    if (replacement && replacement !== word) corrected = true;
    out.push(replacement ?? word);
  }
  return { words: [...new Set(out)], corrected };
}

async function closestWord(db: Executor, word: string): Promise<string | undefined> {
  const near = rowsOf<{ word: string }>(
    await db.execute(sql`
      select word from products.search_lexicon where word = any(${textArray(oneEditAway(word))}::text[])
      order by similarity(word, ${word}) desc, word limit 1`),
  )[0];
  if (near) return near.word;
  if ([...word].length < 7) return undefined;
  const candidates = rowsOf<{ word: string }>(
    await db.execute(sql`
      select word from products.search_lexicon order by word <-> ${word}, word limit 20`),
  );
  return candidates.find((candidate) => editDistance(candidate.word, word) <= 2)?.word;
}
