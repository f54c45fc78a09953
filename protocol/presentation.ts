import { z } from 'zod';

/**
 * How the clients word one kind of resource. Each backend declares it in its own folder and the
 * agent serves it in every snapshot (`kinds`), so the CLI and the editor hold no kind
 * names: a new backend brings its words with it.
 */
export const KindPresentation = z.object({
  /** The tooltip's title and the lineage node's kind, e.g. "ksqlDB query". */
  title: z.string(),
  /** The CLI status heading, e.g. "Queue: local/orders". */
  heading: z.string(),
  pending: z.string(),
  inFlight: z.string(),
  oldest: z.string(),
  /** The word before the backlog in a row's description ("lag 40"); null: the row shows none. */
  backlogInDescription: z.string().nullable(),
  /** The row's suffix for a resource of this kind that offers no pause at all (ksqlDB's transient queries); null: none is listed only. */
  listedOnly: z.string().nullable(),
  /** Asked before every pause of this kind, as its own product asks (Relational Migrator); null: only when a pause risks data. */
  confirmPause: z
    .object({
      /** `{name}` stands for the resource's label, else its name (protocol/resource.ts displayName). */
      title: z.string(),
      action: z.string(),
      warning: z.string(),
      /** `{at}` and `{in}` stand for the data-loss deadline and how far off it is. */
      deadline: z.string(),
      /** Said instead when the resource has no data-loss deadline. */
      noDeadline: z.string(),
    })
    .nullable(),
  /** What a stop does, said before one (`{name}`: its label, else its name); null where the kind cannot stop. */
  stopEffect: z.string().nullable(),
});
export type KindPresentation = z.infer<typeof KindPresentation>;

/** Presentations by resource kind. */
export const KindPresentations = z.record(z.string(), KindPresentation);
export type KindPresentations = z.infer<typeof KindPresentations>;

/** The words for a kind no backend described (an agent older than its client, say). */
export function presentationOf(kinds: KindPresentations, kind: string): KindPresentation {
  return kinds[kind] ?? { title: kind, heading: 'Resource', pending: 'Pending', inFlight: 'In flight', oldest: 'Oldest pending', backlogInDescription: null, listedOnly: null, confirmPause: null, stopEffect: null };
}
