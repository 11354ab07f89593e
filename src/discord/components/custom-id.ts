/** Discord caps custom ids at 100 characters; ours are a short prefix and ids, never JSON. */
const CUSTOM_ID_LIMIT = 100;

export function customId(prefix: string, ...args: (string | number)[]): string {
  const id = [prefix, ...args.map(String)].join(':');
  if (id.length > CUSTOM_ID_LIMIT) throw new Error(`custom id over ${CUSTOM_ID_LIMIT} characters: ${id.slice(0, 40)}…`);
  return id;
}

export function parseCustomId(id: string): { prefix: string; args: string[] } {
  const [prefix = '', ...args] = id.split(':');
  return { prefix, args };
}

/** A record id carried in a custom id's argument: a positive safe integer, else undefined. */
export function parseIdArg(arg: string | undefined): number | undefined {
  const id = Number(arg);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
