import { Random } from './random.js';

/**
 * Words for the synthetic support server, most common first (the Zipf rank). Real support words
 * make the head of the distribution; generated names (products, features, game items, error
 * codes) make the long tail that a big server's questions really have.
 */

const NOUNS = `
account password order payment refund subscription invoice email server role channel bot ticket
message profile plan card app website login code setting permission link ban report game update
error page download file username address phone device browser bank problem issue version key
purchase item price discount coupon shipping delivery package tracking number trial license
member moderator admin staff support team group event reward point level badge rank nickname
avatar banner emoji sticker voice video stream screen camera microphone notification alert
reminder schedule calendar appointment booking reservation cancellation fee charge balance credit
wallet transfer withdrawal deposit currency tax receipt contract agreement policy privacy data
backup storage folder document image photo upload attachment limit quota size speed connection
network wifi router firewall proxy port domain certificate token session cookie cache history
search filter sort category tag list queue request response form field button menu option mode
theme language region country timezone date time day week month year hour minute weekend holiday
store shop cart checkout wishlist catalog product brand model color stock warehouse supplier
return exchange warranty repair replacement damage defect complaint feedback review rating survey
character inventory quest guild raid dungeon match lobby server map skin weapon armor pet mount
coin gem chest crate pass season battle tournament leaderboard clan squad party friend invite
course lesson class teacher student assignment grade exam certificate module quiz homework
project task board sprint release feature bug patch build deploy integration webhook api plugin
extension script command prefix log dashboard panel widget report export import template
workspace organization seat owner billing cycle renewal upgrade downgrade tier package bundle
identity verification document selfie passport signature consent cookie tracker newsletter
`;

const VERBS = `
reset change cancel update delete remove add create open close find get use buy pay see set
connect link unlink verify confirm report restore recover transfer move copy share send receive
download upload install uninstall enable disable activate deactivate edit rename join leave invite
kick ban unban mute unmute block unblock request refund return exchange track check renew upgrade
downgrade redeem claim apply submit approve reject sync export import configure assign unlock
lock pin unpin archive unarchive schedule reschedule book rebook register unregister subscribe
unsubscribe log sign merge split convert translate load save print scan stream record play pause
resume skip retry contact reach appeal dispute charge bill trade sell list publish hide show
`;

const ADJECTIVES = `
new old free premium monthly yearly annual default private public custom main second first last
wrong missing broken slow old expired invalid duplicate pending active inactive locked blocked
temporary permanent mobile desktop online offline automatic manual daily weekly international
local shared personal business family student basic pro advanced legacy beta stable current
previous next extra full partial empty large small secure verified unverified official
`;

/** Words of questions nobody trained the bot for (out of scope). */
const OFF_TOPIC_NOUNS = `
weather pizza recipe movie song guitar garden dog cat vacation beach mountain train bus museum
painting novel poem football basketball coffee tea breakfast dinner birthday wedding holiday
cake soup salad bicycle car engine tire river lake forest flower tree bird fish recipe joke
riddle planet star moon galaxy history war king queen castle dragon wizard zombie pirate ninja
robot dinosaur volcano ocean island desert jungle winter summer spring autumn umbrella jacket
`;

const OFF_TOPIC_VERBS = `
cook bake paint sing dance draw swim climb travel visit watch read write cycle drive fly sail
garden plant grow knit sew fish hike ski skate surf juggle whistle
`;

function words(list: string): string[] {
  return [...new Set(list.split(/\s+/).filter((w) => w !== ''))];
}

const ONSETS = ['b', 'br', 'c', 'cr', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'kl', 'l', 'm', 'n', 'p', 'pl', 'qu', 'r', 's', 'st', 'sk', 't', 'tr', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y'];
const CODAS = ['', '', 'n', 'r', 'l', 'x', 'm', 'th', 'sk', 'nt', 'rd', 'v'];

/** Made-up names (Zentrik, Morvial, Plausk): products, features and items a real server has by the thousand. */
function inventedNames(count: number, seed: number, taken: Set<string>): string[] {
  const random = new Random(seed);
  const names: string[] = [];
  while (names.length < count) {
    const syllables = 2 + random.int(2);
    let name = '';
    for (let i = 0; i < syllables; i++) name += random.pick(ONSETS) + random.pick(VOWELS) + (i === syllables - 1 ? random.pick(CODAS) : '');
    if (name.length < 5 || taken.has(name)) continue;
    taken.add(name);
    names.push(name);
  }
  return names;
}

export interface Vocabulary {
  /** Real nouns first, invented names after: the Zipf rank order. */
  nouns: string[];
  verbs: string[];
  adjectives: string[];
  offTopicNouns: string[];
  offTopicVerbs: string[];
}

export const INVENTED_NAME_COUNT = 20_000;

export function buildVocabulary(): Vocabulary {
  const nouns = words(NOUNS);
  const taken = new Set([...nouns, ...words(VERBS), ...words(ADJECTIVES), ...words(OFF_TOPIC_NOUNS), ...words(OFF_TOPIC_VERBS)]);
  return {
    nouns: [...nouns, ...inventedNames(INVENTED_NAME_COUNT, 7, taken)],
    verbs: words(VERBS),
    adjectives: words(ADJECTIVES),
    offTopicNouns: words(OFF_TOPIC_NOUNS),
    offTopicVerbs: words(OFF_TOPIC_VERBS),
  };
}

/** "resetting" is close enough as "reseting": the bench needs word shapes, not a grammar. */
export function ingForm(verb: string): string {
  if (verb.endsWith('ie')) return `${verb.slice(0, -2)}ying`;
  if (verb.endsWith('e') && !verb.endsWith('ee')) return `${verb.slice(0, -1)}ing`;
  return `${verb}ing`;
}

export function sForm(verb: string): string {
  if (/(s|sh|ch|x|z)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}
