"""Refusing guessable passwords: a small zxcvbn-style estimate, no dependency.

A password is cut into the cheapest pieces an attacker would try (as zxcvbn
does, in miniature): a common password or word from :data:`COMMON` (also
reversed, capitalised or with l33t digits), a run of one character (``aaaa``), a
sequence (``abcd``, ``1234``, ``9876``), a walk along a keyboard row
(``qwerty``, ``asdf``), a copy of an earlier piece (``abcabc``), a year
(``1990``-``2039``), or single characters. Each piece costs the bits of the
guesses it takes; a password is refused when its cheapest cut costs fewer than
:data:`MIN_BITS` (about 10^10 guesses, zxcvbn's "very unguessable"), when it holds
the user's own name, or when it uses fewer than :data:`MIN_DISTINCT` different
characters. A single character costs log2(10) bits, zxcvbn's brute-force rate,
so any 12 characters that nothing above explains pass.

>>> problem("aaaaaaaaaaaa", name="budi")
'the password uses fewer than 5 different characters'
>>> problem("Password2024!", name="budi") is not None
True
>>> problem("correct horse battery staple", name="budi") is None
True
"""

from __future__ import annotations

import math
import re

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_DISTINCT = 5
#: 10^10 guesses: zxcvbn's score 4
MIN_BITS = 33.2
_CHAR_BITS = math.log2(10)

#: Common passwords and words people build passwords from, most common first (a
#: piece's cost grows with its rank): the top of public password lists, and the
#: Indonesian (and police) words a user of this service reaches for first.
COMMON: tuple[str, ...] = tuple(
    """
    password 123456 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123
    baseball abc123 football monkey letmein 696969 shadow master 666666 qwertyuiop
    123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777 121212 000000
    qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer
    harley batman andrew tigger sunshine iloveyou 2000 charlie robert thomas hockey
    ranger daniel starwars klaster 112233 george computer michelle jessica pepper
    1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa
    ginger princess joshua cheese amanda summer love ashley nicole chelsea biteme
    matthew access yankees 987654321 dallas austin thunder taylor matrix welcome
    admin administrator login passw0rd p@ssw0rd changeme secret default guest root
    user test demo letmein qwerty123 iloveu loveme lovely flower angel hello
    whatever samsung google apple internet monkey123 football1 welcome1 password1
    password123 abc12345 qwe123 1q2w3e4r 1q2w3e zaq12wsx q1w2e3r4 asdf1234
    sayang sayangku cinta cintaku kekasih rahasia katasandi sandi bismillah
    alhamdulillah indonesia jakarta surabaya bandung semarang medan makassar
    malang tulungagung jatim jawatimur merdeka garuda pancasila bhinneka
    polri polisi kepolisian bhayangkara bareskrim reskrim propam polda polres polsek
    presisi tribrata satreskrim penyidik kapolres kapolda intel analis analyst
    telusur tppo perdagangan orang anjing kucing ayam bebek persib persija arema
    bonek manchester liverpool barcelona juventus realmadrid ronaldo messi
    naruto doraemon spiderman pokemon minecraft blackpink army
    januari februari maret april mei juni juli agustus september oktober november
    desember senin selasa rabu kamis jumat sabtu minggu
    """.split()
)
_RANK = {w: i for i, w in reversed(list(enumerate(COMMON)))}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t", "8": "b", "9": "g"})
_ROWS = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "~!@#$%^&*()_+",
    "qwertyuiop{}|",
    'asdfghjkl:"',
    "zxcvbnm<>?",
)
#: the longest piece looked for (a longer copy or walk is cut into several)
_LONGEST = 40
_YEAR = re.compile(r"(19[0-9]{2}|20[0-3][0-9])")


def problem(password: str, *, name: str) -> str | None:
    """Why ``password`` cannot be user ``name``'s password, or ``None`` when it can."""
    if len(password) < MIN_LENGTH:
        return f"passwords need at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return "password too long"
    if len(set(password)) < MIN_DISTINCT:
        return f"the password uses fewer than {MIN_DISTINCT} different characters"
    plain = password.lower()
    folded = plain.translate(_LEET)
    for part in {name.lower(), *re.split(r"[._-]", name.lower())}:
        if len(part) >= 3 and any(part in s for s in (plain, folded, plain[::-1])):
            return "the password must not contain the user name"
    if bits(password) < MIN_BITS:
        return (
            "the password is too easy to guess (a common password, a name of the list, "
            "repeated or sequential characters, a keyboard row, a year); "
            "a few unrelated words make a good one"
        )
    return None


def bits(password: str) -> float:
    """log2 of the guesses the cheapest cut of ``password`` into pieces takes."""
    n = len(password)
    pieces = _pieces(password)
    best = [0.0] + [math.inf] * n
    for j in range(1, n + 1):
        best[j] = best[j - 1] + _CHAR_BITS
        for i, cost in pieces.get(j, ()):
            best[j] = min(best[j], best[i] + cost)
    return best[n]


def _pieces(pw: str) -> dict[int, list[tuple[int, float]]]:
    """Every recognised piece ``pw[i:j]`` as ``{j: [(i, bits), ...]}``."""
    out: dict[int, list[tuple[int, float]]] = {}

    def add(i: int, j: int, cost: float) -> None:
        out.setdefault(j, []).append((i, max(cost, 1.0)))

    low = pw.lower()
    folded = low.translate(_LEET)
    n = len(pw)
    for i in range(n):
        for j in range(i + 3, min(n, i + _LONGEST) + 1):
            piece = pw[i:j]
            extra = 0.0 if piece == piece.lower() else 1.0
            for text, more in ((low[i:j], 0.0), (folded[i:j], 1.0)):
                for word, rev in ((text, 0.0), (text[::-1], 1.0)):
                    rank = _RANK.get(word)
                    if rank is not None:
                        add(i, j, math.log2(rank + 2) + extra + more + rev)
            if pw[i:j] in pw[:i]:  # a copy of something typed before
                add(i, j, math.log2(i + 1))
    for i, j in _runs(low):
        step = ord(low[i + 1]) - ord(low[i])
        if step == 0:
            add(i, j, _CHAR_BITS + math.log2(j - i))
        else:
            start = 2.0 if low[i] in "a0z19" else math.log2(26)
            add(i, j, start + math.log2(j - i) + (1.0 if step < 0 else 0.0))
    for i in range(n):
        for j in range(i + 4, min(n, i + _LONGEST) + 1):
            piece = low[i:j]
            if any(piece in row or piece[::-1] in row for row in _ROWS):
                add(i, j, math.log2(47 * (j - i) * 2))
    for m in _YEAR.finditer(pw):
        add(m.start(), m.end(), math.log2(140))
    return out


def _runs(low: str) -> list[tuple[int, int]]:
    """Maximal stretches of 3+ characters that repeat one character or step by one
    (``aaa``, ``abc``, ``321``), and every prefix or suffix of them of 3+."""
    found = []
    i, n = 0, len(low)
    while i < n - 2:
        step = ord(low[i + 1]) - ord(low[i])
        j = i + 1
        while j < n and ord(low[j]) - ord(low[j - 1]) == step and abs(step) <= 1:
            j += 1
        if j - i >= 3 and abs(step) <= 1:
            found += [(a, b) for a in range(i, j - 2) for b in range(a + 3, j + 1)]
            i = j - 1
        else:
            i += 1
    return found
