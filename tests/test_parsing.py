from hypothesis import given, settings
from hypothesis import strategies as st

from dialoguesynth.parsing import flatten, parse_dialogue, parse_json_list, parse_line
from dialoguesynth.stages.subtopics import clean_subtopics


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


def test_clean_subtopics():
    assert clean_subtopics(["A b c", "a B C", "shopping", "x", "ok  one"], "shopping", 5) == ["A b c", "ok one"]


def test_line():
    assert parse_line(" A plan that is long enough.\nmore") == ("A plan that is long enough.", None)
    assert parse_line("short")[1] == "too_short"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#Person12: \nabc[]{}\",")) | st.characters(), max_size=400))
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
    assert re.fullmatch(r, " Hi there, how are you today?\n#Person2#: Fine, thanks, I am doing well: really.\n#Person1#: ok\n")
    assert not re.fullmatch(r, " firstname: Jack\n#Person2#: Fine.\n#Person1#: ok\n")  # echoed label
    assert not re.fullmatch(r, " Hi\n#Person2#: Fine.\n")  # two turns, not three
    assert not re.fullmatch(r, " Hi\n#Person1#: Fine.\n#Person2#: ok\n")  # speakers must alternate
    assert re.fullmatch(turns_regex(2, label_free=False), " firstname: Jack\n#Person2#: Fine.\n")
