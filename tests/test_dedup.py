from dialoguesynth.dedup import Deduper, shingles

A = (
    "#Person1#: Did you finish the report for the meeting on Monday morning?\n"
    "#Person2#: Almost, I still need the sales figures from the northern region.\n"
    "#Person1#: I can ask Tom to send them to you before lunch today.\n"
    "#Person2#: That would be great, thanks a lot for your help with this."
)


def test_exact_and_near_and_distinct():
    d = Deduper(0.7)
    d.add("a", A)
    assert d.twin(A.upper()) == ("a", "exact_duplicate")
    near = A.replace("before lunch today", "before lunch tomorrow")
    assert d.twin(near) == ("a", "near_duplicate")
    other = (
        "#Person1#: Is this seat free?\n#Person2#: Yes, please sit down.\n#Person1#: Thanks, the train is full today."
    )
    assert d.twin(other) == (None, None)
    d.remove("a", A)
    assert d.twin(near) == (None, None)


def test_exact_only_when_threshold_off():
    d = Deduper(None)
    d.add("a", A)
    assert d.twin(A.replace("Monday", "Tuesday")) == (None, None)


def test_speaker_tags_not_shingled():
    assert not any("person" in s for s in shingles(A))
