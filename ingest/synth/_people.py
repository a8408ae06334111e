"""Making people, phones and accounts: names, valid NIKs, mixed phone forms."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from . import _format
from ._geo import BIRTH_PLACES_EXTRA, REGENCIES, Regency
from ._names import (
    BANKS,
    DEGREES,
    EWALLETS,
    FEMALE_FAMILY,
    FEMALE_GIVEN,
    MALE_FAMILY,
    MALE_GIVEN,
    OCCUPATIONS,
    PREFIX_LIST,
)
from ._world import Org, Person, World

T = TypeVar("T")
_DISTRICT = {(i, v): d for i, r in enumerate(REGENCIES) for d in r.districts for v in d.villages}


class PeopleFactory:
    """Creates people with unique NIKs, phones and account numbers.

    Uniqueness is enforced with membership sets only; nothing ever iterates a
    set, so output order never depends on string hashing.
    """

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self._niks: set[str] = set()
        self._phones: set[str] = set()
        self._numbers: set[str] = set()
        # Where new rows go: the world's lists for core records; the background
        # generator swaps in short-lived lists that it flushes to disk.
        self.people_sink: list[Person] = world.people
        self.account_sink: list[list[str]] = world.accounts

    # -- fast draws --------------------------------------------------------------
    # random.choice/randint cost several times more than one random() call, and
    # the background draws millions of values; these keep generation fast.

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.rng.random() * len(seq))]

    def draw(self, low: int, high: int) -> int:
        """Uniform integer in [low, high]."""
        return low + int(self.rng.random() * (high - low + 1))

    # -- identifiers -----------------------------------------------------------

    def phone(self) -> str:
        """A fresh mobile number as ``62…`` digits."""
        rng = self.rng
        while True:
            prefix = self.pick(PREFIX_LIST)
            tail = (
                self.draw(10**7, 10**8 - 1) if rng.random() < 0.7 else self.draw(10**6, 10**7 - 1)
            )
            canon = f"62{prefix[1:]}{tail}"
            if canon not in self._phones:
                self._phones.add(canon)
                return canon

    def landline(self, regency: Regency) -> str:
        """A fresh fixed-line number in the regency's area code."""
        while True:
            canon = f"62{regency.area}{self.rng.randrange(100000, 999999)}"
            if canon not in self._phones:
                self._phones.add(canon)
                return canon

    def written(self, phones: list[str]) -> str:
        """Phones joined with ``|``, each in a randomly chosen written form."""
        return "|".join(_format.phone(p, self.draw(0, _format.PHONE_STYLES - 1)) for p in phones)

    def nik(self, regency: Regency, district: str, birth: date, gender: str) -> str:
        """A valid 16-digit NIK: region, DDMMYY (+40 on the day for women), serial."""
        day = birth.day + (40 if gender == "f" else 0)
        stem = f"{regency.code}{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        while True:
            nik = f"{stem}{self.draw(1, 9999):04d}"
            if nik not in self._niks:
                self._niks.add(nik)
                return nik

    # -- people ----------------------------------------------------------------

    def name(self, gender: str) -> str:
        """A Javanese/Indonesian name; common names repeat on purpose."""
        rnd, pick = self.rng.random, self.pick
        if gender == "m":
            given = pick(MALE_GIVEN)
            if given in ("Muhammad", "Ahmad") or rnd() < 0.15:
                given = f"{given} {pick(MALE_GIVEN)}"
            return given if rnd() < 0.25 else f"{given} {pick(MALE_FAMILY)}"
        given = pick(FEMALE_GIVEN)
        if given in ("Siti", "Sri") and rnd() < 0.5:
            given = f"{given} {pick(FEMALE_GIVEN)}"
        return given if rnd() < 0.3 else f"{given} {pick(FEMALE_FAMILY)}"

    def person(
        self,
        *,
        regency: int,
        gender: str = "",
        born: tuple[int, int] = (1955, 2004),
        village: str = "",
        name: str = "",
        rank: str = "",
        titled: float = 0.05,
        occupation: str = "",
        source: str = "bap",
        with_nik: float = 0.9,
        phones: int = -1,
    ) -> Person:
        """A core person (kept in memory and written among the background)."""
        rng = self.rng
        rnd, pick, draw = rng.random, self.pick, self.draw
        reg = REGENCIES[regency]
        district = _DISTRICT.get((regency, village)) or pick(reg.districts)
        village = village or pick(district.villages)
        gender = gender or pick("mf")
        plain = name or self.name(gender)
        birth = date.fromordinal(
            draw(date(born[0], 1, 1).toordinal(), date(born[1], 12, 31).toordinal())
        )
        shown = plain
        if rank and rnd() < 0.35:
            shown = f"{rank} {plain}"
        elif rnd() < titled and birth.year < 1994:
            hajj, degree, both = "H." if gender == "m" else "Hj.", pick(DEGREES), rnd()
            shown = (
                f"{hajj} {plain}"
                if both < 0.4
                else f"{plain}, {degree}"
                if both < 0.8
                else f"{hajj} {plain}, {degree}"
            )
        n_phones = phones if phones >= 0 else (2 if rnd() < 0.1 else 1)
        nums = [self.phone() for _ in range(n_phones)]
        has_nik = rnd() < with_nik
        person = Person(
            pid=self.world.ids.new("P", 6),
            name=shown,
            plain_name=plain,
            gender=gender,
            birth=birth if has_nik or rnd() < 0.5 else None,
            nik=self.nik(reg, district.code, birth, gender) if has_nik else "",
            birth_place=reg.name if rnd() < 0.8 else pick(BIRTH_PLACES_EXTRA),
            phones=nums,
            phones_written=self.written(nums),
            address=(
                f"RT {draw(1, 9):02d} RW {draw(1, 6):02d}, Desa {village}, "
                f"Kec. {district.name}, Kab. {reg.name}"
            ),
            regency=regency,
            village=village,
            aliases="",
            occupation=occupation or pick(OCCUPATIONS),
            source_id=pick(self.world.sources.by_kind[source]),
        )
        self.people_sink.append(person)
        return person

    # -- accounts --------------------------------------------------------------

    def _number(self, digits: int) -> str:
        while True:
            num = str(self.draw(10 ** (digits - 1), 10**digits - 1))
            if num not in self._numbers:
                self._numbers.add(num)
                return num

    def account(
        self,
        holder: Person | Org | None,
        *,
        holder_name: str = "",
        ewallet: bool = False,
        source: str = "bank_statement",
    ) -> str:
        """Open an account for ``holder`` and return its account_id."""
        world = self.world
        aid = world.ids.new("ACC", 6)
        if ewallet and isinstance(holder, Person) and holder.phones:
            bank, number, kind = self.pick(EWALLETS), "0" + holder.phones[0][2:], "ewallet"
        else:
            bank, digits = self.pick(BANKS)
            number, kind = self._number(digits), "bank"
        if not holder_name and holder is not None:
            holder_name = holder.plain_name.upper() if isinstance(holder, Person) else holder.name
        branch = f"KCP {self.pick(REGENCIES).name}" if kind == "bank" else ""
        holder_id = holder.pid if isinstance(holder, Person) else (holder.oid if holder else "")
        self.account_sink.append(
            [
                aid,
                bank,
                number,
                holder_id,
                holder_name,
                kind,
                self.pick(world.sources.by_kind[source]),
                branch,
            ]
        )
        if holder is not None:
            holder.accounts.append(aid)
        return aid
