"""The defect checks, the copy check and the subtopic check: each rejects what the issue names
(examples seen in real runs of the 135M model) and passes real DialogSum (calibrated <= 1 %)."""

import json
import random
from pathlib import Path

import pytest

from dialoguesynth.copying import ReferenceIndex, containment, grams
from dialoguesynth.defects import DIALOGUE_DEFECTS, dialogue_defect, garbled_words, summary_defect
from dialoguesynth.parsing import parse_dialogue
from dialoguesynth.stages.subtopics import check_subtopics, prompt_examples, subtopic_problem
from dialoguesynth.words import stray_pieces, vocabulary_of


def turns(text):
    return parse_dialogue(text, opener="")[0]


OK = (
    "#Person1#: Hello, how can I help you?\n#Person2#: I'd like to return this jacket.\n"
    "#Person1#: Do you have the receipt?\n#Person2#: Yes, here it is."
)


@pytest.mark.parametrize(
    "dialogue,reason",
    [
        (
            "#Person1#: Hi.\n#Person2#: Julie Johansen, 51, female, talking, 3.5\n#Person1#: Nice.\n#Person2#: Yes.",
            "header_echo",
        ),
        ("#Person1#: Tone: casual. Hi.\n#Person2#: Hello there.\n#Person1#: Nice.\n#Person2#: Yes.", "header_echo"),
        (
            "#Person1#: YOU'RE A PRESIDENT NOW\n#Person2#: What do you mean?\n#Person1#: Nothing.\n#Person2#: Okay.",
            "all_caps",
        ),
        ("#Person1#: panea\n#Person2#: What do you mean?\n#Person1#: Nothing.\n#Person2#: Okay.", "garbled_opener"),
        (
            "#Person1#: Sarah Brown\n#Person2#: What do you mean?\n#Person1#: Nothing at all.\n#Person2#: Okay.",
            "label_like_turn",
        ),
        (
            "#Person1#: Hi there.\n#Person2#: whiskey, mango, ambitious goal\n#Person1#: Nothing.\n#Person2#: Okay.",
            "word_list_turn",
        ),
        (
            "#Person1#: I want a refund of a refund of a refund of a refund of "
            "a refund.\n#Person2#: No.\n#Person1#: Why?\n#Person2#: Policy.",
            "loop",
        ),
        (  # seen in the stop-5 demo
            "#Person1#: Come on in the family 00 221 20 20 21 30 31 32 33 35 37 38 39 40 41.\n"
            "#Person2#: So, about booking a table?\n#Person1#: Yes.\n#Person2#: Fine.",
            "number_run",
        ),
        (
            "#Person1#: What is your name?\n#Person2#: You- you  You  I.  I  You  You.  I  You.  You.  You.\n"
            "#Person1#: Sorry?\n#Person2#: Nothing.",
            "few_words_repeated",
        ),
        (
            "#Person1#: Can I help you?\n#Person2#: Yes, I need a.\n#Person1#: Sorry?\n#Person2#: Nothing.",
            "dangling_end",
        ),
        (
            "#Person1#: You are 100% happy.\n#Person2#: Yes, you are 100% happy.\n#Person1#: I know you are happy.\n"
            "#Person2#: And you are happy too.\n#Person1#: Oh, you are happy, fine.",
            "phrase_in_many_turns",
        ),
        (  # seen in the stop-6 corpus (turn lengths bounded in words)
            "#Person1#: Hi, can I order a cake?\n#Person2#: Of course, madam, It's 12, I'meverything,I'maveryold,"
            "I'msoveryold.\n#Person1#: Sorry?\n#Person2#: Nothing.",
            "glued_words",
        ),
        (  # seen in the stop-6 corpus
            "#Person1#: What hotel is it?\n#Person2#: The hotel is in the 31000's.\n#Person1#: Um, so it's 31000's!\n"
            "#Person2#: Okay, so it's 31000's.\n#Person1#: Sure, 31000's it is.",
            "number_in_many_turns",
        ),
        (  # seen in the stop-7 corpus: in three turns only, but nine times
            "#Person1#: Hey, a jazz concert!\n#Person2#: Can't even imagine it is 2012.\n"
            "#Person1#: I'm so angry, I 2012, I couldn't imagine it 2012.\n"
            "#Person2#: I'll message you to 2012, I'll not 2012 2012.",
            "number_repeated",
        ),
        (  # seen in the stop-7 corpus
            "#Person1#: Let's sit down.\n#Person2#: I'm here about a noisy neighbour, 00011.\n"
            "#Person1#: I'm really happy. 00021.\n#Person2#: How do I put this... 00202.\n"
            "#Person1#: Pardon me. 02141.\n#Person2#: We've received the payment. 00002.\n"
            "#Person1#: Good evening, sir. 00143.\n#Person2#: How's the night going? 00178.",
            "numbers_in_most_turns",
        ),
        (  # seen in quality-v23 (2 of 20 read): one speaker counts floors up, turn after turn
            "#Person1#: Bro, 1st floor.\n#Person2#: Totally amazing, what a haircut.\n#Person1#: Bro, 2nd floor.\n"
            "#Person2#: That's a haircut, I can't make out.\n#Person1#: Cool, 3rd floor.\n#Person2#: Fine.",
            "counting",
        ),
        (
            "#Person1#: How many tickets?\n#Person2#: 4 for us.\n#Person1#: And 5 for them?\n#Person2#: Then 6 in all.",
            "counting",
        ),
        (  # seen in the stop-8 corpus (quality-v9)
            "#Person1#: Let's sit down here.\n#Person2#: Dude, I'm so glad you want to talk to me.\n"
            "#Person1#: I'm just glad to hear. I'm just glad to hear.\n#Person2#: Thanks.",
            "sentence_repeated",
        ),
        (  # seen in the stop-10 'no context' corpus: a short sentence, three times
            "#Person1#: Who saved the cat?\n#Person2#: The fireman. He's a hero.\n"
            "#Person1#: He's a hero, yes.\n#Person2#: He's a hero. He's a hero!",
            "short_sentence_repeated",
        ),
        (  # seen in quality-v18 (unglued words): the comma moved before the stop mark
            "#Person1#: Can I help you?\n#Person2#: Yes, I think it's,...\n#Person1#: Sorry?\n#Person2#: Nothing.",
            "comma_before_stop",
        ),
        (  # seen in quality-v19 (spaced words): the comma moved before closing quotes and digits
            "#Person1#: Which one do you like?\n#Person2#: I've been looking at some phones,'''.\n"
            "#Person1#: Good.\n#Person2#: Yes.",
            "comma_glued",
        ),
        (
            "#Person1#: Do you mind?\n#Person2#: Not at all. I'm,''' so glad.\n#Person1#: Good.\n#Person2#: Yes.",
            "comma_glued",
        ),
        (
            "#Person1#: Where to?\n#Person2#: If I were you, I'd just fly to,0.\n#Person1#: Oh.\n#Person2#: Yes.",
            "comma_glued",
        ),
        (
            '#Person1#: Why not?\n#Person2#: I have no reason,"?\n#Person1#: Oh.\n#Person2#: Yes.',
            "comma_glued",
        ),
        (  # seen in quality-v19: quote marks run where no quote opens or closes
            '#Person1#: Really?\n#Person2#: I\'m going to tell you something to make you,""""".\n'
            "#Person1#: Oh.\n#Person2#: Yes.",
            "comma_glued",  # the first check that fires; quote_run alone below
        ),
        (
            "#Person1#: Really?\n#Person2#: People used to say ''' the end.\n#Person1#: Oh.\n#Person2#: Yes.",
            "quote_run",
        ),
        (  # seen in the tidy A/B's spaced arm: a sentence stops on a contraction that needs a word after it
            "#Person1#: Let's talk about the gym.\n#Person2#: I'm not sure what the answer is. But I'm sure you're.\n"
            "#Person1#: Fine.\n#Person2#: Yes.",
            "dangling_end",
        ),
        (
            "#Person1#: Can you come?\n#Person2#: I think I'll.\n#Person1#: Fine.\n#Person2#: Yes.",
            "dangling_end",
        ),
        (  # seen in quality-v19: a number said as a sentence of its own, after another
            "#Person1#: Soup, please.\n#Person2#: This is about sending back a cold soup.\n"
            "#Person1#: Certainly. 1.\n#Person2#: Thanks.",
            "lone_number",
        ),
        (
            "#Person1#: When?\n#Person2#: We'll travel two days a week.\n#Person1#: Okay, bye for now. 8.\n"
            "#Person2#: Bye.",
            "lone_number",
        ),
        (  # seen in quality-v20 (2 of 20 read): a contraction without its apostrophe, or spaced from it
            "#Person1#: Hello.\n#Person2#: Not sure but I ll say if you believe me.\n#Person1#: Oh.\n#Person2#: Yes.",
            "split_contraction",
        ),
        (
            "#Person1#: Hello.\n#Person2#: You- you can 't trouble that business.\n#Person1#: Oh.\n#Person2#: Yes.",
            "split_contraction",
        ),
        (  # quality-v23's unknown words: a contraction without its apostrophe passes the unknown-word check alone
            "#Person1#: Hello.\n#Person2#: I just dont know what to say.\n#Person1#: Oh.\n#Person2#: Yes.",
            "bare_contraction",
        ),
        (  # seen in quality-v18 (s13-000239): each syllable a word of the list, no 4-gram said three times
            "#Person1#: Hello there.\n#Person2#: Can I cut in here xt? xtc. xtc. xtc. xt. xtc. xtc. xtc.\n"
            "#Person1#: Is it fine?\n#Person2#: I'm not feeling well.",
            "word_said_in_a_row",
        ),
        (  # seen in the spaced A/B arm (history/2026-12-03-spaced-words): pieces of words, each a 'known' word
            "#Person1#: Can I cut in here? That is, Hello!\n#Person2#: Good morning, I ud t help in dea.\n"
            "#Person1#: And I'd ud see you in the room.\n#Person2#: Fine.",
            "stray_letters",
        ),
        (  # seen in the unglued A/B arm
            "#Person1#: Are you leaving?\n#Person2#: I'll log off now o just o a w ij o imn iesa.\n"
            "#Person1#: Bye.\n#Person2#: Bye.",
            "stray_letters",
        ),
        (  # seen in quality-v25's samples: pieces of words the word list knows as rare words
            "#Person1#: Are you worried?\n#Person2#: Um, no. I ire quite edd or other part ika.\n"
            "#Person1#: Oh.\n#Person2#: Yes.",
            "word_fragments",
        ),
        (
            "#Person1#: Hey buddy.\n#Person2#: I'm sso glad to see you.\n#Person1#: Oh.\n#Person2#: Yes.",
            "word_fragments",
        ),
        (  # seen in history/2026-12-06-retries (s13-000032); DialogSum's 'Well...' and '....' pass
            "#Person1#: Well... I see.\n#Person2#: Did you hear the news? ..........\n#Person1#: No.\n#Person2#: Yes.",
            "dot_run",
        ),
        (  # seen in quality-v31 (s13-000074, s13-000519): 'ik' for 'I', a word the word lists know from chat
            "#Person1#: I'm just a little sad, ik don't like the news.\n"
            "#Person2#: Oh.\n#Person1#: Yes.\n#Person2#: Fine.",
            "chat_shorthand",
        ),
        (  # seen in quality-v32 (s13-000031): 'u' for 'you'
            "#Person1#: I'm so excited.\n#Person2#: So, um, thank u, I have a great wife.\n"
            "#Person1#: Oh.\n#Person2#: Yes.",
            "chat_shorthand",
        ),
        (  # seen in quality-v36 (s13-000634, s13-000416): brackets between letters
            "#Person1#: I am looking to discuss how to finda)e)s.\n#Person2#: Oh.\n#Person1#: Yes.\n#Person2#: Fine.",
            "bracket_in_word",
        ),
        (
            "#Person1#: It's:)so)I've seen it.\n#Person2#: Oh.\n#Person1#: Yes.\n#Person2#: Fine.",
            "bracket_in_word",
        ),
        (  # seen in quality-v35 and v36: a contraction glued to the next word
            "#Person1#: You could hand over what you don'twant.\n#Person2#: Oh.\n#Person1#: Yes.\n#Person2#: Fine.",
            "glued_contraction",
        ),
        (  # seen in quality-v36 (s13-000416): a turn parrots the one before
            "#Person1#: Let's talk about your new hobby.\n"
            "#Person2#: Um, you're a bit of a pro to share your own story.\n#Person1#: I have one.\n"
            "#Person2#: Uh, you're a bit of a pro to share your own story, you know.",
            "run_said_again",
        ),
    ],
)
def test_defects_are_rejected(dialogue, reason):
    assert dialogue_defect(turns(dialogue), None, frozenset({"hi", "what", "nothing", "sarah", "brown"})) == reason


def test_a_plain_dialogue_passes():
    assert dialogue_defect(turns(OK), None, None) is None
    card = "#Person1#: Your card?\n#Person2#: It's 7388-2424-3535 and it expires at 9 a.m. next Monday, I think.\n"
    assert dialogue_defect(turns(card + "#Person1#: Thanks.\n#Person2#: Sure."), None, None) is None
    no = "#Person1#: Did you take it?\n#Person2#: No, no, no. Not me, I swear...\n#Person1#: Fine.\n#Person2#: Sure."
    assert dialogue_defect(turns(no), None, None) is None
    # a list in brackets, the do's and don'ts, and seven words said again are real speech
    aside = (
        "#Person1#: The rules (all of them) are strict.\n#Person2#: Tell me the do's and don'ts.\n"
        "#Person1#: I would like a cup of hot tea.\n#Person2#: You would like a cup of hot tea?"
    )
    assert dialogue_defect(turns(aside), None, None) is None
    # DialogSum's own short words, units and clitics written apart pass
    short = (
        "#Person1#: Is it ok if we go at 9 a. m?\n#Person2#: Oh, it ' s 5 km, so I'm up at 7 am.\n"
        "#Person1#: Um, er, ok. Me too.\n#Person2#: Hi, ha, aw, so be it."
    )
    assert dialogue_defect(turns(short), None, None) is None
    # times, prices and decimals that rise are no counting
    times = "#Person1#: At 1:30?\n#Person2#: Or 2:30.\n#Person1#: It's $1.50, or 2.5 for two.\n#Person2#: 3:30 then."
    assert dialogue_defect(turns(times), None, None) is None
    rejoin = "#Person1#: Must you re-apply?\n#Person2#: They're 'the best'.\n#Person1#: Ok.\n#Person2#: Bye."
    assert dialogue_defect(turns(rejoin), None, None) is None  # a prefix, and a quote after a word, are no split
    assert not [p for t in turns(short) for p in stray_pieces(t.text)]  # each exception on its own, not under the bound
    # DialogSum's own commas by quotes and digits pass ('fresh air," 'cause', '"Swimmer's Special," as he')
    quoted = (
        '#Person1#: It costs 1,000 dollars, I\'m afraid.\n#Person2#: I said, "Fine," and left.\n'
        '#Person1#: I went out for "fresh air," \'cause I was tired.\n#Person2#: Sure.'
    )
    assert dialogue_defect(turns(quoted), None, None) is None
    # one rare word of four or five letters is a word ('filet', 'cubby'), as are the model's own fillers
    rare = "#Person1#: The filet?\n#Person2#: Erm, hmm, yes.\n#Person1#: Fine, erm.\n#Person2#: Sure."
    assert dialogue_defect(turns(rare), None, None) is None
    # DialogSum's own numbers after a mark pass: a bus 'No. 5', a spaced decimal, a short answer as a turn
    numbers = (
        "#Person1#: Which bus is it?\n#Person2#: Take a No. 5. It's 6. 0 cents per pound.\n"
        "#Person1#: How old is he?\n#Person2#: 35."
    )
    assert dialogue_defect(turns(numbers), None, None) is None
    # a contraction before a trailing-off ellipsis and a grade "A." pass
    trailing = (
        "#Person1#: How was it?\n#Person2#: Well, I'm... I got an A.\n"
        "#Person1#: Wow! It's . . . great.\n#Person2#: Thanks."
    )
    assert dialogue_defect(turns(trailing), None, None) is None
    # a 'U' that is no 'you' passes: a country, a turn, a letter
    letters = "#Person1#: Back to the U.S.?\n#Person2#: Yes, after a U-turn.\n#Person1#: Spell it.\n#Person2#: U, N."
    assert dialogue_defect(turns(letters), None, None) is None


@pytest.mark.parametrize(
    "summary,reason",
    [
        ("#Person1#: I'm sorry, I'm sorry.", "summary_is_a_turn"),
        ("I am going to the restaurant.", "summary_is_a_turn"),
        ("#Person1# and #Person2# discuss quantum chromodynamics.", "summary_off_dialogue"),
        (
            "#Person2# returns a jacket. She returns a jacket. She returns a jacket. She returns a jacket.",
            "summary_loop",
        ),
        (  # seen in quality-v29 (s13-000179's kind): a sentence said twice
            "#Person2# returns a jacket. They talk about the receipt. They talk about the receipt.",
            "summary_sentence_repeated",
        ),
        ("#Person2# returns a jacket. She does. She does.", None),  # too short to be a repeat
        (  # seen in quality-v30 (s13-000290): the same sentence, once with the tag and once with 'He'
            "#Person1# wants to return a jacket, but he's not sure of the receipt. "
            "He wants to return a jacket, but he's not sure of the receipt.",
            "summary_sentence_repeated",
        ),
        (  # two sentences that share words but say different things
            "#Person2# wants to return a jacket. #Person1# asks for the jacket's receipt and a reason.",
            None,
        ),
        (  # seen in quality-v35 and v36: a run of five words said twice in different sentences
            "#Person2# wants to return a jacket, and #Person1# asks for the receipt. "
            "#Person2# says the jacket is too big, and #Person1# asks for the receipt.",
            "summary_run_repeated",
        ),
        ("#Person1# and #Person2# talk about the jacket. They", "summary_cut_off"),  # seen in stop 6
        ("#Person2# wants to return a big, special,", "summary_cut_off"),
        ("#Person1# asks for a pizza for delivery, and is asked to provide a bag of.", "summary_cut_off"),  # v30
        ("#Person1# asks #Person2# to milate the pizza delivery.", "summary_unknown_word"),  # retries arms
        ("#Person2# returns a jacket bought in L.A. and #Person1# asks for the receipt.", None),  # 'L.A.'
        ("#Person2# returns a jacket at 9 a. m. and #Person1# asks for the receipt.", None),  # DialogSum's 'a. m.'
        ("#Person2# is going to meet you later.", "summary_second_person"),  # seen in the stop-7 corpus
        ("#Person1# is happy to help you pick out some of the best things for you.", "summary_second_person"),
        ('#Person2# returns a jacket and says "thank you" to #Person1#.', None),
        ("#Person2# returns a jacket with the receipt.", None),
        ("#Person2# returns a jacket for $10", None),
    ],
)
def test_summary_defects(summary, reason):
    assert summary_defect(summary, OK) == reason


SWAP = (  # quality-v31 s13-000222's shape: Person2 raises the subject, Person1 answers
    "#Person1#: Have a seat, please.\n"
    "#Person2#: I wanted to ask you about the side effects of a medicine.\n"
    "#Person1#: I'm curious. Which one?\n#Person2#: The new one for my cough."
)


@pytest.mark.parametrize(
    "summary,reason",
    [
        ("#Person1# asks about the side effects of a medicine.", "summary_speaker_swap"),
        ("#Person2# asks about the side effects of a medicine.", None),
        ("#Person1# and #Person2# discuss the side effects of a medicine.", None),  # a joint subject
        ("#Person1# tells #Person2# about the side effects of a medicine.", None),  # #Person2# is an object
        ("#Person1# asks which one. #Person2# asks about the new medicine.", None),  # each says its own words
        ("#Person2# has a cough. #Person1# asks about a medicine for it.", None),  # one grounded word
    ],
)
def test_a_summary_giving_a_speaker_the_others_words_is_rejected(summary, reason):
    assert summary_defect(summary, SWAP) == reason


def test_a_summary_mostly_about_something_else_is_rejected():
    # seen in the quality-v11 corpus (s13-000434): an exemplar's summary; 'important' is its one word
    # of the dialogue
    dialogue = (
        "#Person1#: Lol, you don't have to be so strict, just do the work.\n"
        "#Person2#: It's about a wrong item in an online order, I'm not sure about it.\n"
        "#Person1#: It is very important.\n#Person2#: The best way to avoid it is to do it yourself."
    )
    summary = "#Person1# explains that the oil-free suntan cream is very important, so #Person2# recommends it."
    assert summary_defect(summary, dialogue) == "summary_ungrounded"
    assert summary_defect("#Person2# says a wrong item in an online order is important.", dialogue) is None


@pytest.fixture(scope="module")
def dialogsum_rows(dialogsum):
    with (dialogsum / "dev.jsonl").open() as f:
        return [json.loads(line) for line in f]


CALIBRATION = Path(__file__).resolve().parents[1] / "evaluations" / "results" / "checks-calibration.json"


def test_each_check_rejects_at_most_one_percent_of_real_dialogsum():
    # the published calibration (evaluations/calibrate_checks.py over DialogSum train), per check
    train = json.loads(CALIBRATION.read_text())["train"]
    assert set(DIALOGUE_DEFECTS) <= set(train["dialogue_checks"]), "calibration predates a check: rerun it"
    counts = {**train["dialogue_outcome"], **train["summary_outcome"]}
    defects = list(DIALOGUE_DEFECTS) + [k for k in train["summary_outcome"] if k != "pass"]
    assert {"short_sentence_repeated", "summary_ungrounded"} <= set(counts)
    over = {k: counts[k] / train["n"] for k in defects if counts.get(k, 0) / train["n"] > 0.01}
    assert not over


def test_real_dialogsum_passes_the_defect_checks(dialogsum, dialogsum_rows):
    with (dialogsum / "train.jsonl").open() as f:
        vocab = vocabulary_of(json.loads(line)["dialogue"] for line in f)
    flagged = sum(
        bool(dialogue_defect(turns(r["dialogue"]), None, vocab) or summary_defect(r["summary"], r["dialogue"]))
        for r in dialogsum_rows
    )
    # held-out dev against the train calibration: the defect and summary checks together reject what
    # they reject on train, within one percentage point (train: 3.05 % + 1.12 % at d5c418f)
    train = json.loads(CALIBRATION.read_text())["train"]
    assert flagged / len(dialogsum_rows) <= train["defect_reject_rate"] + train["summary_reject_rate"] + 0.01


def test_copy_check_finds_copies_not_chance_overlap(dialogsum_rows):
    dialogues = [r["dialogue"] for r in dialogsum_rows]
    index = ReferenceIndex(dialogues[:400])
    assert index.copied(dialogues[10]) == 1.0
    half = (
        "\n".join(dialogues[20].splitlines()[:4])
        + "\n#Person1#: That sounds lovely, see you at the station tomorrow then."
    )
    assert index.copied(half) > 0.3
    rng = random.Random(0)
    chance = [containment(d, set().union(*(grams(x) for x in rng.sample(dialogues[:400], 3)))) for d in dialogues[400:]]
    assert sum(c > 0.1 for c in chance) <= 1  # different real dialogues almost never share 10 % of 8-grams


@pytest.mark.parametrize(
    "candidate,topic,problem",
    [
        ("returning a faulty phone", "seeing a doctor", "copied from the prompt"),
        ("mango", "checking in at a hotel", "a single word, not a situation"),
        ("getting a refund of a refund of a refund of a [1", "office talk", "a fragment (stray symbols or digits)"),
        ("getting a refund of a", "office talk", "a fragment (cut off)"),
        ("I need a new phone", "shopping", "a first-person clause"),
        ("subtopic one", "shopping", "a placeholder"),
        ("Sarah Brown", "office talk", "a title or name, not a situation"),
        ("a broken printer before a presentation", "office talk", None),
    ],
)
def test_subtopic_check(candidate, topic, problem):
    assert subtopic_problem(candidate, topic, prompt_examples("v3")) == problem


def test_curated_catalog_passes_its_own_check():
    from dialoguesynth.catalogs import catalog_dir
    from dialoguesynth.sampling.subtopics import Taxonomy

    tax = Taxonomy.from_file(catalog_dir("contexts") / "taxonomy.yaml")
    for topic, subs in tax.subtopics.items():
        assert check_subtopics(subs, topic, len(subs)).rejected == [], topic


def test_unknown_words_reject_garbles_not_one_typo():
    # seen in quality-v12's accepted dialogues; DialogSum has typos too ('tempreture'), so one is allowed
    garbled = "#Person1#: It takes 20 minzn.\n#Person2#: I have 3 new mobiie phones.\n#Person1#: Fine.\n#Person2#: Ok."
    assert dialogue_defect(turns(garbled), None) == "unknown_words"
    typo = "#Person1#: The tempreture is low.\n#Person2#: Take a coat, Minzn.\n#Person1#: Fine.\n#Person2#: Ok."
    assert dialogue_defect(turns(typo), None) is None  # one unknown word; capitalised names are skipped


def test_unknown_words_see_bare_contractions_and_broken_endings():
    # quality-v14's sample passed with this closing turn: 'ive' is in web word lists and a capital was skipped
    garbled = "#Person1#: Is it broken?\n#Person2#: tis a test ia ive been 5 days since,but,I'mntt.\n#Person1#: Fine."
    assert dialogue_defect(turns(garbled), None) == "bare_contraction"  # the first check that fires: 'ive'
    assert garbled_words(turns(garbled))  # and the unknown-word check on its own
    # apostrophes as transcripts write them, names with a possessive, and words that look bare ('well', 'its')
    fine = (
        "#Person1#: I'm sure Jack's car is at McDonald's. Don't wait.\n#Person2#: Well, its engine can't start.\n"
        "#Person1#: We'll see at five o'clock, ma'am."
    )
    assert dialogue_defect(turns(fine), None) is None


def test_one_word_that_reads_as_noise_is_rejected_typos_and_joins_are_not():
    # seen in a default run at b632c91 (seed 13, 400 accepted): one garbled word per dialogue, under the
    # unknown_words count
    for noise in ("almiegfwrbn", "laeop", "wudnt", "uderesss"):
        d = f"#Person1#: Where is it?\n#Person2#: It is by the {noise} now.\n#Person1#: Fine.\n#Person2#: Ok."
        assert dialogue_defect(turns(d), None) == "nonword", noise
    # DialogSum's own: typos of a common word (two edits from six letters on), words run together, names
    for real in ("tempreture", "aboslutely", "minutes'walk", "thelandlord", "Minzn"):
        d = f"#Person1#: Where is it?\n#Person2#: It is by the {real} now.\n#Person1#: Fine.\n#Person2#: Ok."
        assert dialogue_defect(turns(d), None) is None, real


def test_summary_naming_someone_the_dialogue_never_names_is_rejected():
    # seen in quality-v12 ('#Person1# invites Mark to play football.', no Mark in the dialogue)
    dialogue = "#Person1#: Do you want to play football on Sunday?\n#Person2#: Sure, what time?"
    assert summary_defect("#Person1# invites Mark to play football.", dialogue) == "summary_unknown_name"
    named = dialogue.replace("Do you", "Mark, do you")
    assert summary_defect("#Person1# invites Mark to play football.", named) is None
    # a sentence's first word is no sign of a name; DialogSum's own summaries pass (0.18 % of train do not)
    assert summary_defect("Will #Person2# play football? #Person1# asks.", dialogue) is None


def test_a_summary_taken_from_its_exemplars_summary_is_rejected():
    # seen in quality-v20 (4 of 400 summaries took pool_035's 'broken printer' over other dialogues):
    # grounded enough by 'check in' and 'hotel', but its other content words come from the exemplar
    dialogue = (
        "#Person1#: Good evening, I'd like to check in, please.\n#Person2#: Welcome to the hotel. Your name?\n"
        "#Person1#: Anna Berg, two nights.\n#Person2#: Here is your key, room 204."
    )
    summary = "#Person1# checks in at the hotel but the printer on the second floor is broken."
    printer = (
        "#Person1# and #Person2# discuss a broken printer before an important presentation. "
        "#Person2# suggests printing on the second floor."
    )
    other = "#Person1# buys a jacket and #Person2# offers a discount."
    assert summary_defect(summary, dialogue, [printer, other]) == "summary_from_exemplar"
    assert summary_defect(summary, dialogue, [other]) is None  # the same words, not from its exemplars
    # quality-v21's own (s13-000055): two words, 'printer' and 'broken', are the exemplar's
    breakfast = "#Person1# and #Person2# discuss a broken printer before breakfast. #Person2# asks about wifi."
    wifi = dialogue + "\n#Person1#: When is breakfast, and is there wifi?\n#Person2#: From seven; the wifi is free."
    assert summary_defect(breakfast, wifi, [printer, other]) == "summary_from_exemplar"
    assert summary_defect(summary, dialogue) is None
    # words the dialogue says are its own even when an exemplar says them too; reporting verbs are free
    own = "#Person1# discusses checking in at the hotel for two nights and #Person2# gives a room key."
    assert summary_defect(own, dialogue, [printer, "#Person1# books a room for two nights at a hotel."]) is None
