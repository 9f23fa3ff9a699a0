"""Possible duplicates: open cases whose text is like this one's (TF-IDF cosine, pure Python)."""
import math
import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from feedback_app.cases.models import OPEN_STATUSES, Case
from feedback_app.extensions import db

MAX_CANDIDATES = 500
WINDOW = timedelta(days=90)
MIN_SCORE = 0.2
# Small on purpose: together they stay under MIN_SCORE, so unrelated text is never suggested.
SAME_CONTACT_BOOST = 0.1
SHARED_THEMES_BOOST = 0.05

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i i'm i've if in into is it it's its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom why
    will with would you your yours yourself yourselves dont don't cant can't im ive get got also please
    hi hello thanks thank dear regards
    """.split()
)


def tokenise(text):
    """Lower-case words without stopwords; a plural 's' is dropped so 'breaks' matches 'break'."""
    words = _WORD.findall((text or "").lower())
    return [_stem(word) for word in words if word not in STOPWORDS and len(word) > 1]


def _stem(word):
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def suggest_similar_cases(case, limit=5):
    """Up to `limit` (case, score) pairs, best first, scoring at least MIN_SCORE; the case itself excluded.

    Bounded work: one query loads at most MAX_CANDIDATES open, unmerged cases received within
    WINDOW of this one (newest first), with only the columns scoring needs, and one more loads their themes.
    """
    candidates = db.session.scalars(_candidates_query(case)).all()
    if not candidates:
        return []
    documents = [tokenise(case.body)] + [tokenise(candidate.body) for candidate in candidates]
    vectors = _tfidf_vectors(documents)
    target, others = vectors[0], vectors[1:]
    target_themes = {theme.id for theme in case.themes}
    target_email = (case.contact_email or "").strip().lower()

    scored = []
    for candidate, vector in zip(candidates, others):
        score = _cosine(target, vector)
        if target_email and (candidate.contact_email or "").strip().lower() == target_email:
            score += SAME_CONTACT_BOOST
        candidate_themes = {theme.id for theme in candidate.themes}
        if target_themes and candidate_themes:
            score += SHARED_THEMES_BOOST * len(target_themes & candidate_themes) / len(target_themes | candidate_themes)
        score = min(score, 1.0)
        if score >= MIN_SCORE:
            scored.append((candidate, round(score, 3)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].id))
    return scored[:limit]


def _candidates_query(case):
    query = (
        select(Case)
        .options(
            load_only(Case.id, Case.reference, Case.body, Case.contact_email, Case.received_on, Case.status),
            selectinload(Case.themes),
        )
        .where(Case.status.in_(OPEN_STATUSES))
        .where(Case.merged_into_id.is_(None))
        .order_by(Case.received_on.desc(), Case.id.desc())
        .limit(MAX_CANDIDATES)
    )
    if case.id is not None:
        query = query.where(Case.id != case.id)
    if case.received_on is not None:
        # Either side of it: when triaging an older case, a later copy is as much a duplicate.
        query = query.where(Case.received_on.between(case.received_on - WINDOW, case.received_on + WINDOW))
    return query


def _tfidf_vectors(documents):
    """Unit-length TF-IDF vectors (smoothed IDF, sub-linear TF) over this small corpus."""
    document_frequency = Counter(term for tokens in documents for term in set(tokens))
    count = len(documents)
    idf = {term: math.log((1 + count) / (1 + frequency)) + 1 for term, frequency in document_frequency.items()}
    vectors = []
    for tokens in documents:
        weights = {term: (1 + math.log(tf)) * idf[term] for term, tf in Counter(tokens).items()}
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        vectors.append({term: weight / norm for term, weight in weights.items()} if norm else {})
    return vectors


def _cosine(left, right):
    if len(left) > len(right):
        left, right = right, left
    return sum(weight * right.get(term, 0.0) for term, weight in left.items())
