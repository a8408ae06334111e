"""Making people, phones and accounts: names, valid NIKs, mixed phone forms."""

from __future__ import annotations

import random
from datetime import date, timedelta

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

    # -- identifiers -----------------------------------------------------------

    def phone(self) -> str:
        """A fresh mobile number as ``62…`` digits."""
        rng = self.rng
        while True:
            prefix = rng.choice(PREFIX_LIST)
            tail = rng.randrange(10**7, 10**8) if rng.random() < 0.7 else rng.randrange(
                10**6, 10**7)
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
        return "|".join(_format.phone(p, self.rng.randrange(_format.PHONE_STYLES)) for p in phones)

    def nik(self, regency: Regency, district: str, birth: date, gender: str) -> str:
        """A valid 16-digit NIK: region, DDMMYY (+40 on the day for women), serial."""
        day = birth.day + (40 if gender == "f" else 0)
        stem = f"{regency.code}{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        while True:
            nik = f"{stem}{self.rng.randrange(1, 10000):04d}"
            if nik not in self._niks:
                self._niks.add(nik)
                return nik

    # -- people ----------------------------------------------------------------

    def name(self, gender: str) -> str:
        """A Javanese/Indonesian name; common names repeat on purpose."""
        rng = self.rng
        if gender == "m":
            given = rng.choice(MALE_GIVEN)
            if given in ("Muhammad", "Ahmad") or rng.random() < 0.15:
                given = f"{given} {rng.choice(MALE_GIVEN)}"
            return given if rng.random() < 0.25 else f"{given} {rng.choice(MALE_FAMILY)}"
        given = rng.choice(FEMALE_GIVEN)
        if given in ("Siti", "Sri") and rng.random() < 0.5:
            given = f"{given} {rng.choice(FEMALE_GIVEN)}"
        return given if rng.random() < 0.3 else f"{given} {rng.choice(FEMALE_FAMILY)}"

    def person(
        self, *, regency: int, gender: str = "", born: tuple[int, int] = (1955, 2004),
        village: str = "", name: str = "", rank: str = "", titled: float = 0.05,
        occupation: str = "", source: str = "bap", with_nik: float = 0.9, phones: int = -1,
    ) -> Person:
        """A core person (kept in memory and written among the background)."""
        rng = self.rng
        reg = REGENCIES[regency]
        homes = [d for d in reg.districts if village in d.villages]
        district = homes[0] if homes else rng.choice(reg.districts)
        village = village or rng.choice(district.villages)
        gender = gender or rng.choice("mf")
        plain = name or self.name(gender)
        birth = date(rng.randint(*born), 1, 1) + timedelta(days=rng.randrange(365))
        shown = plain
        if rank and rng.random() < 0.35:
            shown = f"{rank} {plain}"
        elif rng.random() < titled and birth.year < 1994:
            hajj, degree, both = "H." if gender == "m" else "Hj.", rng.choice(DEGREES), rng.random()
            shown = (f"{hajj} {plain}" if both < 0.4 else f"{plain}, {degree}" if both < 0.8
                     else f"{hajj} {plain}, {degree}")
        n_phones = phones if phones >= 0 else (2 if rng.random() < 0.1 else 1)
        nums = [self.phone() for _ in range(n_phones)]
        has_nik = rng.random() < with_nik
        person = Person(
            pid=self.world.ids.new("P", 6),
            name=shown,
            plain_name=plain,
            gender=gender,
            birth=birth if has_nik or rng.random() < 0.5 else None,
            nik=self.nik(reg, district.code, birth, gender) if has_nik else "",
            birth_place=reg.name if rng.random() < 0.8 else rng.choice(BIRTH_PLACES_EXTRA),
            phones=nums,
            phones_written=self.written(nums),
            address=(f"RT {rng.randint(1, 9):02d} RW {rng.randint(1, 6):02d}, Desa {village}, "
                     f"Kec. {district.name}, Kab. {reg.name}"),
            regency=regency,
            village=village,
            aliases="",
            occupation=occupation or rng.choice(OCCUPATIONS),
            source_id=self.world.sources.pick(rng, source),
        )
        self.people_sink.append(person)
        return person

    # -- accounts --------------------------------------------------------------

    def _number(self, digits: int) -> str:
        while True:
            num = str(self.rng.randrange(10 ** (digits - 1), 10**digits))
            if num not in self._numbers:
                self._numbers.add(num)
                return num

    def account(
        self, holder: Person | Org | None, *, holder_name: str = "", ewallet: bool = False,
        source: str = "bank_statement",
    ) -> str:
        """Open an account for ``holder`` and return its account_id."""
        rng = self.rng
        world = self.world
        aid = world.ids.new("ACC", 6)
        if ewallet and isinstance(holder, Person) and holder.phones:
            bank, number, kind = rng.choice(EWALLETS), "0" + holder.phones[0][2:], "ewallet"
        else:
            bank, digits = rng.choice(BANKS)
            number, kind = self._number(digits), "bank"
        if not holder_name and holder is not None:
            holder_name = holder.plain_name.upper() if isinstance(holder, Person) else holder.name
        branch = f"KCP {rng.choice(REGENCIES).name}" if kind == "bank" else ""
        holder_id = holder.pid if isinstance(holder, Person) else (holder.oid if holder else "")
        self.account_sink.append([
            aid, bank, number, holder_id, holder_name, kind,
            world.sources.pick(rng, source), branch,
        ])
        if holder is not None:
            holder.accounts.append(aid)
        return aid
