import type { PauseApi } from '../../protocol/api';
import type { ConnectionSetupApi } from '../../protocol/connections';
import type { ResourceStore } from '../state/resourceStore';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface InputOptions {
  title: string;
  prompt: string;
  placeHolder?: string;
  /** The text the box starts with (an answer kept from before, say). */
  value?: string;
  /** An error message for the text, or undefined when it is acceptable. */
  validate?: (text: string) => string | undefined;
}

export type ProgressReport = (message: string, fraction: number) => void;

/**
 * The editor as commands see it: quick picks, input boxes, modal confirmations, progress and
 * messages. vscodeUi.ts implements it; tests script it. Undefined means the user cancelled.
 */
export interface CommandUi {
  pickOne<T>(items: PickItem<T>[], title: string): Promise<T | undefined>;
  pickMany<T>(items: PickItem<T>[], title: string): Promise<T[] | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** A modal question; true only when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** A notification while `work` runs; `report` says how far it has got (fraction 0..1). */
  withProgress<T>(title: string, work: (report: ProgressReport) => Promise<T>): Promise<T>;
  /** An error with buttons; resolves to the chosen button. */
  showError(message: string, ...actions: string[]): Promise<string | undefined>;
  showInfo(message: string): Promise<void>;
  showDocument(content: string): Promise<void>;
}

/** The part of the agent's API that commands use. */
export type CommandApi = Pick<PauseApi, 'resource' | 'pause' | 'resume' | 'stop' | 'pauseAll' | 'resumeAll' | 'pauseUpstream' | 'resumeUpstream' | 'resumeGroup' | 'deploy'> & ConnectionSetupApi;

export interface CommandContext {
  ui: CommandUi;
  /** The current agent; throws a PauseError while it is not connected. */
  api: () => CommandApi;
  store: ResourceStore;
  now: () => Date;
  /** How close a data-loss deadline makes a pause risky. */
  dataLossWarningMs: () => number;
  openLog: () => void;
}
