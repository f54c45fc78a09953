import type { CommandUi, InputOptions, PickItem } from '../../../extension/commands/commandUi';

export interface UiEvent {
  kind: 'pick' | 'input' | 'invalid' | 'confirm' | 'progress' | 'progress-report' | 'error' | 'info' | 'document';
  text: string;
  /** Offered pick labels, or the confirmation's detail. */
  offered?: string[];
  detail?: string;
}

/**
 * A scripted user, like aws-toolkit's fake vscode.window: answers are queued per kind and
 * consumed in order; a prompt nobody scripted fails the test. Input answers go through the
 * box's validation, and a rejected one is recorded and followed by the next answer, as a
 * user would retype.
 */
export class FakeUi implements CommandUi {
  readonly events: UiEvent[] = [];
  private readonly picks: Array<string | string[] | undefined> = [];
  private readonly inputs: Array<string | undefined> = [];
  private readonly confirms: boolean[] = [];
  private readonly errorButtons: Array<string | undefined> = [];

  pick(...answers: Array<string | string[] | undefined>): this {
    this.picks.push(...answers);
    return this;
  }

  type(...answers: Array<string | undefined>): this {
    this.inputs.push(...answers);
    return this;
  }

  confirmWith(...answers: boolean[]): this {
    this.confirms.push(...answers);
    return this;
  }

  onError(...buttons: Array<string | undefined>): this {
    this.errorButtons.push(...buttons);
    return this;
  }

  of(kind: UiEvent['kind']): UiEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }

  async pickOne<T>(items: PickItem<T>[], title: string): Promise<T | undefined> {
    const answer = this.next(this.picks, 'pick', title, items.map((i) => i.label));
    if (answer === undefined) return undefined;
    return this.find(items, answer as string).value;
  }

  async pickMany<T>(items: PickItem<T>[], title: string): Promise<T[] | undefined> {
    const answer = this.next(this.picks, 'pick', title, items.map((i) => i.label));
    if (answer === undefined) return undefined;
    return (Array.isArray(answer) ? answer : [answer]).map((label) => this.find(items, label).value);
  }

  async input(options: InputOptions): Promise<string | undefined> {
    for (;;) {
      // The box's starting text is recorded as the detail: a retry keeps what was typed.
      const answer = this.next(this.inputs, 'input', options.title, undefined, options.value);
      if (answer === undefined) return undefined;
      const problem = options.validate?.(answer);
      if (!problem) return answer;
      this.events.push({ kind: 'invalid', text: answer, detail: problem });
    }
  }

  async confirm(message: string, detail: string): Promise<boolean> {
    return this.next(this.confirms, 'confirm', message, undefined, detail);
  }

  async withProgress<T>(title: string, work: (report: (message: string, fraction: number) => void) => Promise<T>): Promise<T> {
    this.events.push({ kind: 'progress', text: title });
    return work((message, fraction) => this.events.push({ kind: 'progress-report', text: message, detail: String(fraction) }));
  }

  async showError(message: string, ...actions: string[]): Promise<string | undefined> {
    this.events.push({ kind: 'error', text: message, offered: actions });
    return this.errorButtons.shift();
  }

  async showInfo(message: string): Promise<void> {
    this.events.push({ kind: 'info', text: message });
  }

  async showDocument(content: string): Promise<void> {
    this.events.push({ kind: 'document', text: content });
  }

  private next<T>(queue: T[], kind: UiEvent['kind'], text: string, offered?: string[], detail?: string): T {
    this.events.push({ kind, text, offered, detail });
    if (!queue.length) throw new Error(`unscripted ${kind}: "${text}"`);
    return queue.shift() as T;
  }

  private find<T>(items: PickItem<T>[], label: string): PickItem<T> {
    const item = items.find((i) => i.label === label);
    if (!item) throw new Error(`no pick item "${label}"; offered: ${items.map((i) => i.label).join(', ')}`);
    return item;
  }
}
