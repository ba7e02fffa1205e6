/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same conversation IDs,
 * message IDs and chaos, so a run can be replayed with `--seed`. Not for anything secret.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Whether an event of probability `p` happens. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_CHARACTERS = `${LETTERS}0123456789_-`;

/**
 * A conversation ID in the shape Dialogflow generates (22 characters of base64url, here always
 * starting with a letter, so it also passes the rule for caller-chosen IDs).
 */
export const generatedConversationId = (random: SeededRandom): string => {
  let id = LETTERS[random.int(LETTERS.length)] ?? 'C';
  for (let i = 1; i < 22; i++) id += ID_CHARACTERS[random.int(ID_CHARACTERS.length)] ?? 'x';
  return id;
};
