/** One LIST page of the ready index, as the claimer asked for it. */
export interface ListedPage {
  /** The key the page was listed after; undefined for a page from the start of the index. */
  startAfter?: string;
  keys: string[];
  truncated: boolean;
}

/**
 * Ready entries this worker read and left alone because it has no (open) handler for the task's
 * type. A task's type never changes and a requeued task gets a new index key, so while the key
 * stays listed there is nothing new to read: the next polls skip it without a GET. Keys that a
 * later listing shows gone are forgotten, so memory follows what the queue holds, not its history.
 */
export class ForeignTasks {
  private readonly types = new Map<string, string>();

  /** A key gone while outside every listed range lingers until one covers it: the cap bounds that too. */
  constructor(private readonly capacity = 100_000) {}

  remember(indexKey: string, taskType: string): void {
    // Maps keep insertion order: at capacity the oldest entry goes, and is at worst read once more.
    if (this.types.size >= this.capacity && !this.types.has(indexKey)) this.types.delete(this.types.keys().next().value as string);
    this.types.set(indexKey, taskType);
  }

  /** Known to be of a type the permit does not open (not handled, or paused): skip it. */
  skips(indexKey: string, permittedTypes: ReadonlySet<string>): boolean {
    const type = this.types.get(indexKey);
    return type !== undefined && !permittedTypes.has(type);
  }

  /**
   * Forgets the remembered keys that fall in the range a page covered but were not on it. A key
   * beyond a truncated page is unknown, not gone, and stays remembered.
   */
  forgetGone(pages: readonly ListedPage[]): void {
    const listed = new Set(pages.flatMap((page) => page.keys));
    const covered = (key: string) =>
      pages.some((page) => (page.startAfter === undefined || key > page.startAfter) && (!page.truncated || key <= (page.keys.at(-1) ?? '')));
    for (const key of this.types.keys()) if (!listed.has(key) && covered(key)) this.types.delete(key);
  }
}
