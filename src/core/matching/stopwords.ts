/**
 * A standard English stop-word list (the NLTK list). The matcher does not drop these words — in
 * support questions "how", "when" and "not" carry meaning, and the guild's own statistics weigh
 * them — it uses the list as prior knowledge where a guild has too few answers for statistics:
 * a question that shares only these words with a trained question is not a match.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is are ' +
    'was were be been being have has had having do does did doing a an the and but if or because as until while ' +
    'of at by for with about against between into through during before after above below to from up down in out ' +
    'on off over under again further then once here there when where why how all any both each few more most other ' +
    'some such no nor not only own same so than too very s t can will just don should now d ll m o re ve y ain ' +
    'aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn'
  ).split(' '),
);
