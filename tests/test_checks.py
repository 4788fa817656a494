import pytest

from dialoguesynth.checks import check_dialogue, fingerprint
from dialoguesynth.config import ChecksConfig
from dialoguesynth.parsing import parse_dialogue
from dialoguesynth.pipeline import Generator


@pytest.fixture(scope="module")
def spec(cfg_factory_module):
    return next(Generator(cfg_factory_module(), progress=False).specs(n=1))


@pytest.fixture(scope="module")
def cfg_factory_module(dialogsum):
    from dialoguesynth.config import load_config

    return lambda **o: load_config(None, reference__path=str(dialogsum / "train.jsonl"), **o)


GOOD = (
    " Hello, are you coming to dinner tonight?\n#Person2#: Yes, I will be there at seven.\n"
    "#Person1#: Great, bring some bread please.\n#Person2#: Sure, see you then.\n"
)


def verdict(text, spec, finish="stop", **kw):
    turns, reason = parse_dialogue(text)
    return reason or check_dialogue(turns, finish, spec, ChecksConfig(**kw))


def test_good_passes(spec):
    assert verdict(GOOD, spec) is None


@pytest.mark.parametrize(
    "text,reason",
    [
        (
            " Hi there friend, how are you doing today?\n#Person1#: I am "
            "fine thanks a lot.\n#Person1#: ok then.\n#Person1#: bye now.\n",
            "wrong_speaker_count",
        ),
        (" Hello.\n#Person2#: Hi.\n", "too_few_turns"),
        (" ok ok.\n#Person2#: ok ok.\n#Person1#: ok ok.\n#Person2#: ok ok.\n", "too_short"),
        (
            " I am extremely high in extraversion and openness you see, my friend.\n#Person2#: Yes, I am worried "
            "about everything you say today.\n#Person1#: Fine, bring bread.\n#Person2#: Sure, see you then.\n",
            "persona_leakage",
        ),
        (
            " Setting: office. Hello, are you coming to dinner?\n#Person2#: Yes, I will be there "
            "at seven.\n#Person1#: Great, bring some bread.\n#Person2#: Sure, see you then.\n",
            "persona_leakage",
        ),
    ],
)
def test_rejections(spec, text, reason):
    assert verdict(text, spec, min_words=10) == reason


def test_repetitive(spec):
    text = " I will be there soon.\n" + "".join(f"#Person{2 - k % 2}#: I will be there soon.\n" for k in range(1, 6))
    assert verdict(text, spec) == "repetitive"


def test_truncated(spec):
    assert verdict(GOOD, spec, finish="length") == "truncated"


def test_turn_too_long(spec):
    long = " " + "word " * 100 + "\n#Person2#: ok fine then.\n#Person1#: yes sure thing.\n#Person2#: bye now friend.\n"
    assert verdict(long, spec) == "turn_too_long"


def test_fingerprint_ignores_case_and_spacing():
    assert fingerprint("#Person1#: Hi,  there!") == fingerprint("#person1#: hi there")


def test_loop_within_a_turn_is_repetitive(spec):
    loop = (
        " I do not know, "
        + "you have no idea what you are saying, " * 6
        + "\n#Person2#: Well, maybe I do.\n#Person1#: Fine then, tell me.\n#Person2#: Later.\n"
    )
    assert verdict(loop, spec) == "repetitive"
