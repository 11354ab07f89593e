/**
 * A slash command's options, declared once as data: each entry says how the option is added to the
 * definition Discord sees and how its value is read back, and the handler's `options` argument is
 * typed from the same entries. A renamed option, a mistyped name or a `required` that disagrees with
 * the code reading it is then a type error, not a failure in front of a member.
 * (The idea is the discord.js team's utils bot's: commands as typed data, option types derived from them.)
 */
import type {
  ApplicationCommandOptionAllowedChannelTypes,
  ChatInputCommandInteraction,
  SlashCommandBuilder,
  SlashCommandSubcommandBuilder,
} from 'discord.js';
import { UserError } from '../../core/errors.js';

type OptionResolver = ChatInputCommandInteraction<'cached'>['options'];
/** A command or one of its subcommands: both take options the same way. */
type OptionTarget = SlashCommandBuilder | SlashCommandSubcommandBuilder;

/**
 * One option. `Value` is what a given option holds; `Required` says whether Discord always sends it,
 * and so whether the handler gets `Value` or `Value | undefined`.
 */
export interface OptionSpec<Value, Required extends boolean> {
  readonly required: Required;
  readonly autocomplete: boolean;
  addTo(target: OptionTarget, name: string): void;
  read(options: OptionResolver, name: string): Value | null;
}

/**
 * A command's options by name, in the order Discord lists them. Discord wants the required ones
 * first (application-commands.mdx, "Application Command Option Structure"; the fake checks it).
 */
export type OptionSchema = Readonly<Record<string, OptionSpec<unknown, boolean>>>;

/** What the handler gets: each option's value, `undefined` where an optional one was left out. */
export type OptionValues<S extends OptionSchema> = {
  readonly [K in keyof S]: S[K] extends OptionSpec<infer V, true> ? V : S[K] extends OptionSpec<infer V, boolean> ? V | undefined : never;
};

/** What every option has. `required` is false unless set, as in Discord. */
interface Basics<R extends boolean> {
  readonly description: string;
  readonly required?: R;
}

/** Name, description and `required`, the same for every kind of option. */
function describe<B extends { setName(n: string): B; setDescription(d: string): B; setRequired(r: boolean): B }>(builder: B, name: string, basics: Basics<boolean>): B {
  return builder.setName(name).setDescription(basics.description).setRequired(basics.required ?? false);
}

/** `autocomplete` as given; left out, it is not in the JSON at all (which is not the same bytes as `false`). */
function withAutocomplete<B extends { setAutocomplete(a: boolean): B }>(builder: B, autocomplete: boolean | undefined): B {
  return autocomplete === undefined ? builder : builder.setAutocomplete(autocomplete);
}

function spec<V, R extends boolean>(
  basics: Basics<R>,
  autocomplete: boolean | undefined,
  addTo: OptionSpec<V, R>['addTo'],
  read: (options: OptionResolver, name: string) => V | null,
): OptionSpec<V, R> {
  return { required: (basics.required ?? false) as R, autocomplete: autocomplete ?? false, addTo, read };
}

/** A text option. With `choices`, its value is one of theirs (Discord accepts no other). */
export function text<const R extends boolean = false, const V extends string = string>(
  o: Basics<R> & { maxLength?: number; autocomplete?: boolean; choices?: readonly { name: string; value: V }[] },
): OptionSpec<V, R> {
  return spec(
    o,
    o.autocomplete,
    (target, name) =>
      target.addStringOption((b) => {
        describe(b, name, o);
        if (o.maxLength !== undefined) b.setMaxLength(o.maxLength);
        if (o.choices) b.addChoices(...o.choices);
        return withAutocomplete(b, o.autocomplete);
      }),
    (options, name) => options.getString(name) as V | null,
  );
}

export function integer<const R extends boolean = false>(o: Basics<R> & { minValue?: number; maxValue?: number; autocomplete?: boolean }): OptionSpec<number, R> {
  return spec(
    o,
    o.autocomplete,
    (target, name) =>
      target.addIntegerOption((b) => {
        describe(b, name, o);
        if (o.minValue !== undefined) b.setMinValue(o.minValue);
        if (o.maxValue !== undefined) b.setMaxValue(o.maxValue);
        return withAutocomplete(b, o.autocomplete);
      }),
    (options, name) => options.getInteger(name),
  );
}

export function boolean<const R extends boolean = false>(o: Basics<R>): OptionSpec<boolean, R> {
  return spec(o, undefined, (target, name) => target.addBooleanOption((b) => describe(b, name, o)), (options, name) => options.getBoolean(name));
}

/** A channel of one of `types`; its value has the matching discord.js class (a forum is a ForumChannel). */
export function channel<const T extends ApplicationCommandOptionAllowedChannelTypes, const R extends boolean = false>(o: Basics<R> & { types: readonly T[] }) {
  return spec(
    o,
    undefined,
    (target, name) => target.addChannelOption((b) => describe(b, name, o).addChannelTypes(...o.types)),
    (options, name) => options.getChannel(name, false, o.types),
  );
}

export function role<const R extends boolean = false>(o: Basics<R>) {
  return spec(o, undefined, (target, name) => target.addRoleOption((b) => describe(b, name, o)), (options, name) => options.getRole(name));
}

/**
 * A user option read as the server member. Optional only: a user who is not (or no longer) in the
 * server has no member, and "missing" would be the wrong thing to tell them.
 */
export function member(o: Basics<false>) {
  return spec(o, undefined, (target, name) => target.addUserOption((b) => describe(b, name, o)), (options, name) => options.getMember(name));
}

export function attachment<const R extends boolean = false>(o: Basics<R>) {
  return spec(o, undefined, (target, name) => target.addAttachmentOption((b) => describe(b, name, o)), (options, name) => options.getAttachment(name));
}

export function addOptions(target: OptionTarget, schema: OptionSchema): void {
  for (const [name, option] of Object.entries(schema)) option.addTo(target, name);
}

/**
 * The values of an interaction's options. Discord always sends a required option, unless the member's
 * app still shows an older definition of the command (global commands take up to an hour to change):
 * then the member is told so, and the handler does not run.
 */
export function readOptions<S extends OptionSchema>(options: OptionResolver, schema: S): OptionValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(schema)) {
    const value = option.read(options, name);
    if (value === null && option.required) {
      throw new UserError(`The \`${name}\` option is missing: Discord may still show you an older version of this command. Try again in a minute; nothing was changed.`);
    }
    values[name] = value ?? undefined;
  }
  return values as OptionValues<S>;
}

export function hasAutocompleteOption(schema: OptionSchema): boolean {
  return Object.values(schema).some((option) => option.autocomplete);
}
