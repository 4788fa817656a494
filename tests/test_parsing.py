import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dialoguesynth.parsing import flatten, parse_dialogue, parse_json_list, parse_line
from dialoguesynth.stages.subtopics import check_subtopics


def test_guided_output():
    turns, reason = parse_dialogue(" Hi, how are you?\n#Person2#: Fine, thanks.\n#Person1#: Good.\n")
    assert reason is None
    assert [t.speaker for t in turns] == ["#Person1#", "#Person2#", "#Person1#"]
    assert flatten(turns).startswith("#Person1#: Hi, how are you?\n#Person2#: Fine")


def test_model_starts_a_new_example():
    text = " Hello.\n#Person2#: Hi.\n\nTopic: shopping\n#Person1#: unrelated"
    turns, _ = parse_dialogue(text)
    assert len(turns) == 2


def test_header_line_ends_dialogue_and_continuations_join():
    text = " Hello there\nand more words\n#Person2#: Hi.\nTurns: 8\n#Person1#: x"
    turns, _ = parse_dialogue(text)
    assert turns[0].text == "Hello there and more words" and len(turns) == 2


def test_speaker_variants():
    turns, _ = parse_dialogue(" A.\nPerson2: B.\n# Person 1 #: C.")
    assert [t.speaker for t in turns] == ["#Person1#", "#Person2#", "#Person1#"]


def test_empty_and_garbage():
    assert parse_dialogue("")[1] == "empty"
    assert parse_dialogue("\n\n\n")[1] == "empty"
    assert parse_dialogue(None)[1] == "not_text"


def test_json_list_variants():
    assert parse_json_list('junk ["a", "b"] junk') == (["a", "b"], None)
    assert parse_json_list('["a", "b"')[1] == "no_json_list"
    assert parse_json_list("[1, 2]")[1] == "empty_list"
    assert parse_json_list('[{"a": 1}]')[1] == "empty_list"
    assert parse_json_list('["a", }]')[1] == "invalid_json"


def test_check_subtopics_keeps_unique_situations():
    out = check_subtopics(
        ["buying shoes online", "Buying  shoes online", "shopping", "x", "a  faulty kettle"], "shopping", 5
    )
    assert out.kept == ["buying shoes online", "a faulty kettle"]
    assert [r for _, r in out.rejected] == ["a duplicate", "the topic itself", "a single word, not a situation"]


def test_line():
    assert parse_line(" A plan that is long enough.\nmore") == ("A plan that is long enough.", None)
    assert parse_line("short")[1] == "too_short"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('#Person12: \nabc[]{}",')) | st.characters(), max_size=400))
def test_parsers_never_crash(text):
    turns, reason = parse_dialogue(text)
    assert (reason is None) == bool(turns)
    items, reason = parse_json_list(text)
    assert (reason is None) == bool(items)
    line, reason = parse_line(text)
    assert isinstance(line, str)


def test_turns_regex():
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(3)
    assert re.fullmatch(
        r, " Hi there, how are you today?\n#Person2#: Fine, thanks, I am doing well: really.\n#Person1#: Ok.\n"
    )
    assert not re.fullmatch(r, " Firstname: Jack.\n#Person2#: Fine.\n#Person1#: Ok.\n")  # echoed label
    assert not re.fullmatch(r, " Hi.\n#Person2#: Fine.\n")  # two turns, not three
    assert not re.fullmatch(r, " Hi.\n#Person1#: Fine.\n#Person2#: Ok.\n")  # speakers must alternate
    assert re.fullmatch(turns_regex(2, label_free=False), " Firstname: Jack.\n#Person2#: Fine.\n")
    # the shape of a real turn: a capital first, a sentence mark last, no markup
    assert not re.fullmatch(r, " pic.twitter.com/4jIjVZ.\n#Person2#: Fine.\n#Person1#: Ok.\n")
    assert not re.fullmatch(r, " Hi.\n#Person2#: 1. I'm not sure.\n#Person1#: Ok.\n")
    assert not re.fullmatch(r, " Hi.\n#Person2#: He was on the road for\n#Person1#: Ok.\n")


def test_turns_regex_realises_lengths_and_phrases():
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(3, lengths=((1, 20), (30, 60)), openers={1: ["Um,", "Well..."]})
    assert re.fullmatch(r, " Hi there.\n#Person2#: Um, well I was thinking we could go for a walk.\n#Person1#: Sure.\n")
    assert re.fullmatch(r, " Hi there.\n#Person2#: Well... I was thinking we could go for a walk.\n#Person1#: Sure.\n")
    assert not re.fullmatch(
        r, " Hi there.\n#Person2#: I was thinking we could go for a walk today.\n#Person1#: Sure.\n"
    )  # no phrase
    assert not re.fullmatch(
        r, " Hi there.\n#Person2#: Umbrellas are what we could sell at the market.\n#Person1#: Sure.\n"
    )
    assert not re.fullmatch(r, " Hi there.\n#Person2#: Um, no.\n#Person1#: Sure.\n")  # Person2 too brief
    assert not re.fullmatch(
        r,
        " Hi there, I have been waiting here for ages.\n#Person2#: "
        "Um, well I was thinking we could go.\n#Person1#: Sure.\n",
    )
    # a long phrase in a short speaker's bound still leaves room to finish the sentence
    long = "I'm here about returning a jacket that does not fit"
    r = turns_regex(2, lengths=((1, 70), (1, 70)), openers={0: [long]})
    assert re.fullmatch(r, f" {long}, and I have the receipt.\n#Person2#: Sure.\n")
    r = turns_regex(2, openers={0: ["Hello, this is"]})
    assert re.fullmatch(r, " Hello, this is Tom from the bank.\n#Person2#: Hi Tom.\n")
    assert not re.fullmatch(r, " Hello, this is Tom: the bank.\n#Person2#: Hi Tom.\n")  # no label after a phrase


def _ends_in(opener: str, phrases: list[str]) -> bool:
    """The opener is one of the phrases, or one with a register or speech feature in front of it."""
    return any(opener == p or opener.lower().endswith(" " + p.lower()) for p in phrases)


def _named(subtopic: str) -> str:
    """How a topic phrase names a subtopic: "asking about a refund" as "a refund"."""
    from dialoguesynth.stages.realise import named

    return named("about {subtopic}", subtopic).removeprefix("about ")


def test_realised_phrases_follow_the_spec_and_its_seed(cfg_factory):
    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.realise import load_realisation, turn_openers

    cat = load_realisation()
    specs = list(Generator(cfg_factory(num_dialogues=60, topics__expand=False), progress=False).specs(n=60))
    for spec in specs:
        c = spec.context
        openers = turn_openers(spec, cat)
        assert openers == turn_openers(spec, cat)  # same spec, same phrases
        assert all(k < c.target_turns for k in openers)
        # Person1 opens in the medium and names the subtopic: a greeting, then the topic phrase, which
        # Person2 then answers (when Person2 named it, summaries gave Person1 Person2's words)
        greet = cat.phrases["medium_lead"][c.medium]
        assert all(any(p.startswith(g + " ") for g in greet) for p in openers[0]), openers[0]
        assert set(turn_openers(spec, cat, topic=False)[0]) <= set(cat.phrases["medium"][c.medium])
        close = cat.phrases["medium_close"].get(c.medium)
        if close:  # and the last turn ends it (a register or speech feature may lead the phrase)
            assert all(_ends_in(p, close) for p in openers[c.target_turns - 1])
        emotion = cat.phrases["emotion"].get(c.emotion[0])
        if emotion and c.target_turns >= 4:  # Person1's mood: one or two of Person1's own turns
            assert sum(all(_ends_in(x, emotion) for x in p) for k, p in openers.items() if k % 2 == 0) in (1, 2)
        if not c.speech_features:
            assert not any(
                set(p) & {x for v in cat.phrases["speech_features"].values() for x in v} for p in openers.values()
            )
        assert all(_named(c.subtopic) in p for p in openers[0])
        assert len(openers[0]) == 1  # one topic phrase per spec (slot `choices: 1`), not the model's favourite
        assert not any(_named(c.subtopic) in p for k, ps in openers.items() if k for p in ps)
        assert not turn_openers(spec, cat, context=False, speech=False, topic=False)
        assert all(_named(c.subtopic) not in p for ps in turn_openers(spec, cat, topic=False).values() for p in ps)
    assert sum(bool(cat.phrases["medium_close"].get(s.context.medium)) for s in specs) > 5  # the close was tried
    heads = {turn_openers(s, cat, context=False)[0][0].split(_named(s.context.subtopic))[0] for s in specs}
    assert len(heads) >= 5  # the topic phrases spread over a corpus
    # the labeller reads each realised field back off its phrase
    from dialoguesynth.labels import load_labeller

    lab = load_labeller()
    for mood, phrases in cat.phrases["emotion"].items():
        for p in phrases:
            assert lab.label(f"#Person1#: {p}. The trip is on Monday.\n#Person2#: I see.").emotion == mood, p
    for feature, phrases in cat.phrases["speech_features"].items():
        for p in phrases:
            assert (
                feature in lab.label(f"#Person1#: {p} the trip is on Monday.\n#Person2#: {p} I see.").speech_features
            ), p


def test_each_mood_phrase_has_a_word_of_its_own():
    # a probe (or a reader) can only tell the mood from a phrase whose words no other mood uses:
    # 'Really?' (curious) shared 'really' with 'I'm really happy', and the mood was near chance
    import re

    from dialoguesynth.stages.realise import load_realisation

    moods = load_realisation().phrases["emotion"]
    words = {m: {w for p in ps for w in re.findall(r"[a-z']+", p.lower())} for m, ps in moods.items()}
    for mood, phrases in moods.items():
        others = set().union(*(w for m, w in words.items() if m != mood))
        for p in phrases:
            assert set(re.findall(r"[a-z']+", p.lower())) - others, (mood, p)


def test_each_speech_feature_phrase_has_a_rare_word_of_its_own(dialogsum):
    # a pause read as "Let me think..." only by the dots: a word probe (and a skimming reader) saw
    # "let me think", said in a third of real dialogues, and presence was near chance (quality-v15)
    import json
    import re

    from dialoguesynth.stages.realise import load_realisation

    def words(text):
        return set(re.findall(r"[a-z']+", text.lower()))

    real = [words(json.loads(x)["dialogue"]) for x in (dialogsum / "train.jsonl").read_text().splitlines()[:3000]]
    feats = load_realisation().phrases["speech_features"]
    used = {f: set().union(*(words(p) for p in ps)) for f, ps in feats.items()}
    for feat, phrases in feats.items():
        others = set().union(*(w for f, w in used.items() if f != feat))
        for p in phrases:
            if feat == "false starts":
                assert re.search(r"\b([\w']+)- \1", p, re.I), p  # a word cut off and said again
                continue
            own = [w for w in words(p) - others if sum(w in d for d in real) < 0.03 * len(real)]
            assert own, (feat, p)


def test_a_register_or_speech_feature_without_a_turn_of_its_own_leads_a_taken_turn(cfg_factory):
    # quality-v22: 50 of 215 formal or casual specs (mostly 4 to 7 turns) had no free turn for a
    # register phrase and 42 of 366 speech features none, so the layer did not reach their text
    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.realise import _lead, load_realisation, turn_openers

    cat = load_realisation()
    ph = cat.phrases
    specs = list(Generator(cfg_factory(num_dialogues=120, topics__expand=False), progress=False).specs(n=120))
    led = 0
    for spec in specs:
        c = spec.context
        openers = turn_openers(spec, cat)
        text = [x for p in openers.values() for x in p]
        if c.formality in ph["formality"]:
            own = [x for x in text if x in ph["formality"][c.formality]]
            lead = [x for x in text if any(x.startswith(a + " ") for a in ph["formality_lead"][c.formality])]
            assert own or lead, (c.target_turns, openers)  # every register reaches a turn
            assert not (own and lead)  # a lead only for a register with no turn of its own
            led += bool(lead)
        for feat in c.speech_features:
            if feat == "false starts":
                continue
            said = ph["speech_features"][feat] + ph["speech_lead"][feat]
            assert any(f.lower() in x.lower() for f in said for x in text), (feat, openers)
        assert all(len(p) <= cat.choices for p in openers.values())  # a lead multiplies no choices
        leads = [a for f in ("formality_lead", "speech_lead") for ps in ph[f].values() for a in ps]
        assert not any(x.startswith(a + " ") for a in leads for x in openers.get(0, []))  # leads from turn 1
    assert led >= 3  # short specs were among them
    assert _lead("Um,", "Hello, this is") == "Um, hello, this is"
    assert _lead("Yeah,", "I'm worried") == "Yeah, I'm worried"
    assert _lead("Good morning.", "So, about") == "Good morning. So, about"
    assert _lead("Certainly", "So, about") == "Certainly. So, about"


def test_each_register_phrase_has_a_word_no_other_field_uses():
    # "Hey" opened text chats and "Okay" closed calls: a reader could not tell the register from them
    from dialoguesynth.stages.realise import load_realisation

    ph = load_realisation().phrases

    def words(p):
        return set(re.findall(r"[a-z']+", p.lower()))

    for reg in ("formal", "casual"):
        mine = [("formality", reg), ("formality_lead", reg)]
        others = set().union(
            *(words(p) for f, by in ph.items() for v, ps in by.items() if (f, v) not in mine for p in ps if v != "*")
        )
        for f, _ in mine:
            for p in ph[f][reg]:
                assert words(p) - others, (f, reg, p)


def test_the_topic_phrase_says_what_a_subtopic_is_about(cfg_factory):
    # 45 of quality-v22's 400 dialogues said "about asking about ..."
    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.realise import load_realisation, turn_openers

    cat = load_realisation()
    spec = next(Generator(cfg_factory(num_dialogues=4, topics__expand=False), progress=False).specs(n=4))
    for subtopic, said in [("asking about a refund", "about a refund"), ("a late train", "about a late train")]:
        s = spec.model_copy(update={"context": spec.context.model_copy(update={"subtopic": subtopic})})
        (phrase,) = [p for p in turn_openers(s, cat)[0] if subtopic.split()[-1] in p]
        assert said in phrase and "about asking" not in phrase, phrase


def test_realisation_slots_count_from_the_end_and_name_their_lists(cfg_factory):
    import pytest
    from pydantic import ValidationError

    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.realise import RealisationCatalog, turn_openers

    cat = RealisationCatalog(
        choices=1,
        slots=[{"field": "bye", "of": "medium", "from": -1}, {"field": "medium", "speaker": 2, "from": -3}],
        phrases={"bye": {"phone call": ["Bye for now"]}, "medium": {"phone call": ["Hello?"]}},
    )
    spec = next(
        s
        for s in Generator(cfg_factory(num_dialogues=40, topics__expand=False), progress=False).specs(n=40)
        if s.context.medium == "phone call"
    )
    n = spec.context.target_turns
    want = {n - 1: ["Bye for now"], (n - 3 if (n - 3) % 2 else n - 2): ["Hello?"]}
    assert turn_openers(spec, cat) == want
    assert turn_openers(spec, cat, context=False) == {}
    with pytest.raises(ValidationError, match="not under phrases: bye"):
        RealisationCatalog(slots=[{"field": "bye", "of": "medium"}], phrases={})
    with pytest.raises(ValidationError, match="needs `of:`"):
        RealisationCatalog(slots=[{"field": "bye"}], phrases={"bye": {"phone call": ["Bye"]}})
    with pytest.raises(ValidationError, match="takes no `choices:`"):
        RealisationCatalog(
            slots=[{"field": "bye", "of": "medium", "lead": True, "choices": 2}],
            phrases={"bye": {"phone call": ["Bye,"]}},
        )


def test_turn_lengths_as_words():
    """Turn lengths are bounded as words (~5.2 characters each): cheaper for the engine to compile."""
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(3, lengths=((1, 70), (50, 240)), openers={1: ["Um,"]})
    ok = (
        " Hi there, how are you?\n#Person2#: Um, I was thinking we could go for a long walk by the river.\n"
        "#Person1#: Sure.\n"
    )
    assert re.fullmatch(r, ok)
    assert not re.fullmatch(r, ok.replace("Um, ", ""))  # the phrase is required
    assert not re.fullmatch(r, ok.replace("we could go for a long walk by the river", "no"))  # Person2 too brief
    chatty = (
        " "
        + "word " * 20
        + "end.\n#Person2#: Um, I was thinking we could go for a long walk today.\n#Person1#: Sure.\n"
    )
    assert not re.fullmatch(r, chatty)  # Person1's low bound: about 13 words
    assert not re.fullmatch(
        r, " Firstname: Jack.\n#Person2#: Um, fine and you, what about a walk by the river.\n#Person1#: Ok.\n"
    )
    assert re.fullmatch(turns_regex(2), " Hi, the train leaves at 9:30 in the morning.\n#Person2#: Great.\n")


def test_token_budget_counts_the_most_words_the_grammar_allows(cfg_factory):
    """render.tokens_per_word: the budget is the grammar's most words per turn (phrases included) times
    the tokens per word, plus labels; a turn of those most words matches the grammar, one more does not."""
    import re

    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.dialogue import (
        LABEL_TOKENS,
        DialogueStage,
        _turn_bounds,
        max_turn_words,
        token_budget,
        turns_regex,
    )
    from dialoguesynth.stages.plan import PlanStage
    from dialoguesynth.stages.summary import SummaryStage

    lengths, openers = ((1, 70), (50, 240)), {0: ["Hello, this is"], 1: ["Um,"], 3: ["I'm here about a refund"]}
    most = [max_turn_words(*_turn_bounds(k, lengths, openers)) for k in range(4)]
    assert token_budget(4, 1.0, lengths, openers) == sum(most) + 4 * LABEL_TOKENS
    assert token_budget(4, 2.0, lengths, openers) == 2 * sum(most) + 4 * LABEL_TOKENS

    def turn(k: int, extra: int = 0) -> str:
        head = (openers.get(k) or ["Word"])[0]
        return head + " word" * (most[k] - len(head.split()) + extra) + "."

    def dialogue(extra_at: int | None = None) -> str:
        lines = [turn(k, int(k == extra_at)) for k in range(4)]
        return (
            " "
            + "".join(f"{t}\n#Person{2 if k % 2 == 0 else 1}#: " for k, t in enumerate(lines[:-1]))
            + lines[-1]
            + "\n"
        )

    r = turns_regex(4, lengths=lengths, openers=openers)
    assert re.fullmatch(r, dialogue())
    for k in range(4):
        assert not re.fullmatch(r, dialogue(extra_at=k)), k

    # each render asks for the smaller of max_tokens and its spec's budget
    assert cfg_factory().render.tokens_per_word is None  # off by default: it saved nothing (token-budget A/B)
    cfg = cfg_factory(num_dialogues=30, topics__expand=False, render__tokens_per_word=2.0)
    gen = Generator(cfg, progress=False)
    stage = DialogueStage(cfg, gen.pool)
    asked = [stage.request((spec, None), 0).max_tokens for spec in gen.specs(n=30)]
    assert all(0 < a <= cfg.render.max_tokens for a in asked)
    assert any(a < cfg.render.max_tokens for a in asked)  # short specs stop sooner
    off = cfg_factory(num_dialogues=30, topics__expand=False, render__tokens_per_word=100.0)
    stage = DialogueStage(off, gen.pool)
    assert {stage.request((spec, None), 0).max_tokens for spec in gen.specs(n=30)} == {off.render.max_tokens}
    # render.min_p and render.temperature reach every dialogue request
    tail = cfg_factory(num_dialogues=30, topics__expand=False, render__min_p=0.05, render__temperature=0.9)
    asked = {
        (r.min_p, r.temperature) for r in (DialogueStage(tail, gen.pool).request((s, None), 0) for s in gen.specs(n=30))
    }
    assert asked == {(0.05, 0.9)}
    # and plan.min_p / summary.min_p reach theirs; each section's own value, not render's
    both = cfg_factory(num_dialogues=30, topics__expand=False, plan__min_p=0.05, summary__min_p=0.2)
    specs = list(gen.specs(n=30))
    assert {PlanStage(both).request(spec, 0).min_p for spec in specs} == {0.05}
    assert {SummaryStage(both, gen.pool).request((spec, "#Person1#: Hi."), 0).min_p for spec in specs} == {0.2}
    assert PlanStage(cfg).request(specs[0], 0).min_p == 0.0  # off by default


def test_shaped_words_take_real_turns_and_refuse_runaway_words():
    """render.word_shape shaped: real turn shapes pass; the runs that reached the token limit in
    quality-v9 ('4444...', ',u,m,l,...', 'she's,you're') cannot be written."""
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(2, shape="shaped")
    for ok in (
        " Hello. My number is 626-555-1739, and it's $ 1,000 or 10% off... OK?\n"
        "#Person2#: Sure, the mp3 is ready at 9:30 a.m.\n",
        ' "Well," she said -- the 1930s, the 8th floor. It\'s U.S. made.\n#Person2#: Fine.\n',
    ):
        assert re.fullmatch(r, ok), ok
    for bad in (
        " I'll take 44444444444444444444.\n#Person2#: Fine.\n",
        " Ok ,u,m,l,f,n,w,d,n,r.\n#Person2#: Fine.\n",
        " Um, she's,you're,name.\n#Person2#: Fine.\n",
    ):
        assert not re.fullmatch(r, bad), bad
    assert re.fullmatch(turns_regex(2), " Um, she's,you're,name.\n#Person2#: Fine.\n")  # free: allowed


def test_apart_words_keep_numbers_apart_and_take_real_turns():
    """render.word_shape apart: real turns with numbers pass; the number lists and joined-letter runs
    that reached the token limit in quality-v9 (shaped words still wrote them) cannot be written."""
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(2, shape="apart")
    for ok in (
        " Hello. My number is 626-555-1739, and it's $ 1,000 or 10% off... OK?\n"
        "#Person2#: Sure, the mp3 is ready at 9:30 a.m.\n",
        " \"Well,\" she said -- the 1930s, the 8th floor. It's U.S.A. made.\n#Person2#: It's 50.\n",
        " Take Bus No. 104 or a street car B-201 and 4 stops by bus.\n#Person2#: A mother-in-law, 3 kids.\n",
    ):
        assert re.fullmatch(r, ok), ok
    for bad in (
        " It is 2222 2222 2222.\n#Person2#: Fine.\n",
        " Nah, 2pm, 3pm, 4pm, 2pm.\n#Person2#: Fine.\n",
        " Oh, 12,000, 12,000, 12,000.\n#Person2#: Fine.\n",
        " Ok e.l.l.l.t.t.r.\n#Person2#: Fine.\n",
        " I'll take 44444444444444444444.\n#Person2#: Fine.\n",
        " Um, she's,you're,name.\n#Person2#: Fine.\n",
    ):
        assert not re.fullmatch(r, bad), bad
    assert re.fullmatch(turns_regex(2, shape="shaped"), " Nah, 2pm, 3pm, 4pm, 2pm.\n#Person2#: Fine.\n")


def test_unglued_words_keep_commas_off_letters_and_take_real_turns():
    """render.word_shape unglued: a comma never joins two words ('it's,well,vazing' in 11.3 % of
    quality-v17's dialogues); numbers, quotes after a comma and a lone comma still pass."""
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(2, shape="unglued")
    for ok in (
        " Hello. My number is 626-555-1739, and it's $ 1,000 or 10% off... OK?\n"
        "#Person2#: Sure, the mp3 is ready at 9:30 a.m.\n",
        ' "Well," she said -- the 1930s , the 8th floor. It\'s U.S. made.\n#Person2#: Fine.\n',
    ):
        assert re.fullmatch(r, ok), ok
    for bad in (
        " Um, she's,you're,name.\n#Person2#: Fine.\n",
        " Ok no,no,no,no.\n#Person2#: Fine.\n",
        " I'll,you'll not!\n#Person2#: Fine.\n",
        " Ok ,u,m,l.\n#Person2#: Fine.\n",
        " Fine.\n#Person2#: It's,well,vazing.\n",
    ):
        assert not re.fullmatch(r, bad), bad
        assert re.fullmatch(turns_regex(2), bad), bad  # free: allowed


def test_spaced_words_keep_commas_off_stop_marks_and_take_real_turns():
    """render.word_shape spaced: under unglued the model put its commas before stop marks ('it's,...':
    21 % of quality-v18's dialogues); spaced allows a comma in a word only before a digit or a closing
    quote, and one that ends a word only before a space."""
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(2, shape="spaced")
    for ok in (
        " Hello. My number is 626-555-1739, and it's $ 1,000 or 10% off... OK?\n"
        "#Person2#: Sure, the mp3 is ready at 9:30 a.m.\n",
        ' "Well," she said -- the 1930s, the 8th floor. It\'s U.S. made.\n#Person2#: Fine.\n',
    ):
        assert re.fullmatch(r, ok), ok
    for bad in (
        " I think it's,...\n#Person2#: Fine.\n",
        " I'm,... to,... that.\n#Person2#: Fine.\n",
        " Well, that,.\n#Person2#: Fine.\n",
        " Ok , no, no.\n#Person2#: Fine.\n",
        " Ok,, no.\n#Person2#: Fine.\n",
        " Um, she's,you're,name.\n#Person2#: Fine.\n",
    ):
        assert not re.fullmatch(r, bad), bad
    assert re.fullmatch(turns_regex(2, shape="unglued"), " I think it's,...\n#Person2#: Fine.\n")


def test_tidy_words_keep_commas_off_quotes_and_digits_and_quotes_apart_and_take_real_turns():
    """render.word_shape tidy: under spaced the model glued its commas to quotes and digits
    ('phones,'''.', 'fly to,0.': 24 % of quality-v19's dialogues) and ran quotes (11.3 %); tidy allows a
    comma inside a word only between digits, any other comma (a closing quote after it) only before a
    space, and never two quote marks side by side."""
    import re

    from dialoguesynth.stages.dialogue import turns_regex

    r = turns_regex(2, shape="tidy")
    for ok in (
        " Hello. My number is 626-555-1739, and it's $ 1,000 or 10% off... OK?\n"
        "#Person2#: Sure, the mp3 is ready at 9:30 a.m.\n",
        ' "Well," she said -- the 1930s, the 8th floor. It\'s U.S. made, 2,000,000 of them.\n#Person2#: Fine.\n',
        " Some \"fresh air,\" 'cause it's 3.92 a pound.\n#Person2#: Fine.\n",
    ):
        assert re.fullmatch(r, ok), ok
    for bad in (
        " I have phones,'''.\n#Person2#: Fine.\n",
        " I don't know how you can do,'!\n#Person2#: Fine.\n",
        " What is the reason,'?\n#Person2#: Fine.\n",
        " I want to fly to,0.\n#Person2#: Fine.\n",
        " I want,1to go.\n#Person2#: Fine.\n",
        " Here is the first,\"'.\n#Person2#: Fine.\n",
        " I think it's,...\n#Person2#: Fine.\n",
        " Um, she's,you're,name.\n#Person2#: Fine.\n",
        ' He said """""hi.\n#Person2#: Fine.\n',
        " Fine.\n#Person2#: I'''m here.\n",
        ' ""Fine.\n#Person2#: Fine.\n',
        " I said, \"'yes.\n#Person2#: Fine.\n",
        " I said 1,'2.\n#Person2#: Fine.\n",
    ):
        assert not re.fullmatch(r, bad), bad
    assert re.fullmatch(turns_regex(2, shape="spaced"), " I want to fly to,0.\n#Person2#: Fine.\n")
    assert re.fullmatch(turns_regex(2, shape="spaced"), ' He said """""hi.\n#Person2#: Fine.\n')


def test_no_context_ablation_realises_no_context_phrases(cfg_factory):
    """--no-context once removed the header fields but still opened turns with the medium's, mood's
    and speech features' phrases: the ablation kept the layer where it acts for a 135M model."""
    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.dialogue import turn_openers
    from dialoguesynth.stages.realise import CONTEXT_FIELDS, load_realisation

    cat = load_realisation()
    # the lists that carry a context field or speech feature (not the subtopic's: topic, question)
    lists = {s.field for s in cat.slots if s.spec_field in (*CONTEXT_FIELDS, "speech_features")}
    context_phrases = {x for f in lists for v in cat.phrases[f].values() for x in v}
    for enabled in (True, False):
        cfg = cfg_factory(num_dialogues=30, topics__expand=False, context__enabled=enabled)
        gen = Generator(cfg, progress=False)
        found = 0
        for spec in gen.specs(n=30):
            openers = turn_openers(spec, cfg, gen.pool)
            found += sum(bool(set(p) & context_phrases) for k, p in openers.items() if k > 0)
        assert (found > 0) == enabled


def test_a_once_slot_skips_a_value_an_earlier_slot_placed(cfg_factory):
    """`once: true`: the greeting that led the topic turn is not said again in a turn of its own; with
    the topic off nothing led it, so it takes the first turn. Without the flag it would be said twice."""
    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.realise import RealisationCatalog, turn_openers

    def catalog(once: bool) -> RealisationCatalog:
        return RealisationCatalog(
            choices=1,
            slots=[
                {"field": "topic", "of": "subtopic", "speaker": 1, "from": 0},
                {"field": "medium_lead", "of": "medium", "speaker": 1, "from": 0, "lead": True},
                {"field": "medium", "speaker": 1, "from": 0, "once": once},
            ],
            phrases={
                "topic": {"*": ["So, about {subtopic}"]},
                "medium_lead": {"phone call": ["Hi, thanks for calling."]},
                "medium": {"phone call": ["Hello, this is"]},
            },
        )

    spec = next(
        s
        for s in Generator(cfg_factory(num_dialogues=40, topics__expand=False), progress=False).specs(n=40)
        if s.context.medium == "phone call" and s.context.target_turns >= 4
    )
    (first,) = turn_openers(spec, catalog(once=True))[0]
    assert first.startswith("Hi, thanks for calling. So, about ")
    assert turn_openers(spec, catalog(once=True)).keys() == {0}  # the greeting once, in front of the topic
    assert turn_openers(spec, catalog(once=False))[2] == ["Hello, this is"]  # without the flag: said again
    assert turn_openers(spec, catalog(once=True), topic=False) == {0: ["Hello, this is"]}  # nothing led it
