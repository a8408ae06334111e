"""agencies.csv and officials.csv: the East-Java government bodies and their staff.

Far more officials are made than are ever planted as protectors or decoys, and
each gets a salary account and ordinary background activity, so that holding a
post near a ring is never evidence by itself.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from ._geo import REGENCIES
from ._people import PeopleFactory
from ._world import Official, Person, World

# (unit, position, ranks to choose from, how many at scale 1)
_POLDA = (
    ("command", "Dirreskrimum", ("Kombes",), 1),
    ("reskrim", "Kasubdit IV Renakta Ditreskrimum", ("AKBP",), 1),
    ("ppa", "Penyidik Subdit IV Renakta", ("Iptu", "Ipda", "Aiptu", "Bripka"), 4),
    ("humas", "Kabid Humas", ("Kombes",), 1),
    ("humas", "Paur Subbid Penmas Bidhumas", ("Ipda", "Aipda", "Bripka"), 2),
    ("intel", "Penyidik Ditintelkam", ("Iptu", "Aiptu"), 2),
)
_POLRES = (
    ("command", "Kapolres", ("AKBP",), 1),
    ("command", "Wakapolres", ("Kompol",), 1),
    ("reskrim", "Kasat Reskrim", ("AKP",), 1),
    ("ppa", "Kanit PPA Sat Reskrim", ("Iptu", "Ipda"), 1),
    ("ppa", "Penyidik Unit PPA", ("Ipda", "Aiptu", "Aipda", "Bripka"), 4),
    ("ppa", "Penyidik Pembantu", ("Brigpol", "Bripka", "Briptu"), 2),
    ("intel", "Kasat Intelkam", ("AKP",), 1),
    ("intel", "Anggota Sat Intelkam", ("Aipda", "Bripka", "Brigpol"), 3),
    ("humas", "Kasi Humas", ("AKP", "Iptu"), 1),
    ("humas", "Anggota Humas", ("Bripka", "Brigpol"), 2),
    ("samapta", "Anggota Sat Samapta", ("Bripda", "Briptu", "Brigpol"), 3),
)
_POLSEK = (
    ("polsek", "Kapolsek", ("AKP", "Iptu"), 1),
    ("polsek", "Kanit Reskrim Polsek", ("Ipda", "Aiptu"), 1),
    ("polsek", "Bhabinkamtibmas", ("Bripka", "Brigpol", "Aipda"), 2),
)
_IMIGRASI = (
    ("imigrasi", "Kepala Kantor", ("Pembina (IV/a)",), 1),
    ("imigrasi", "Kasi Lalu Lintas Keimigrasian", ("Penata Tk. I (III/d)",), 1),
    ("imigrasi", "Petugas Wawancara Paspor", ("Penata Muda (III/a)", "Pengatur (II/c)"), 3),
)
_DISNAKER = (
    ("disnaker", "Kepala Dinas", ("Pembina Tk. I (IV/b)",), 1),
    ("disnaker", "Kabid Penempatan Tenaga Kerja", ("Pembina (IV/a)",), 1),
    ("disnaker", "Pengantar Kerja", ("Penata (III/c)", "Penata Muda (III/a)"), 2),
)
_BP3MI = (
    ("bp3mi", "Kepala BP3MI Jawa Timur", ("Pembina Utama Muda (IV/c)",), 1),
    ("bp3mi", "Kasi Pelindungan", ("Penata Tk. I (III/d)",), 1),
    ("bp3mi", "Staf Pelindungan dan Pemberdayaan", ("Penata Muda (III/a)",), 3),
)
_KEJARI = (
    ("jaksa", "Kepala Kejaksaan Negeri", ("Jaksa Utama Pratama",), 1),
    ("jaksa", "Kasi Pidum", ("Jaksa Madya",), 1),
    ("jaksa", "Jaksa Fungsional", ("Jaksa Pratama", "Jaksa Muda"), 3),
)
_SATGAS = (
    ("satgas", "Ketua Satgas TPPO (Wakapolda)", ("Brigjen",), 1),
    ("satgas", "Anggota Satgas TPPO", ("AKP", "Iptu"), 2),
)
_POLICE_UNITS = ("command", "reskrim", "ppa", "humas", "intel", "samapta", "polsek", "satgas")


class _Staffer:
    """Fills one agency with officials; keeps NRP/NIP unique."""

    def __init__(self, world: World, people: PeopleFactory) -> None:
        self.world = world
        self.people = people
        self._numbers: set[str] = set()
        self.factor = max(1.0, math.sqrt(world.scale))

    def _id_number(self, person: Person, police: bool, since: date) -> str:
        rng = self.world.rng
        birth = person.birth or date(1980, 1, 1)
        while True:
            if police:  # NRP: birth YYMM and a serial
                num = f"{birth.year % 100:02d}{birth.month:02d}{rng.randrange(10000):04d}"
            else:  # NIP: birth date, appointment YYYYMM, gender digit, serial
                num = (
                    f"{birth:%Y%m%d}{since.year - rng.randint(0, 12)}{rng.randint(1, 12):02d}"
                    f"{1 if person.gender == 'm' else 2}{rng.randrange(1, 1000):03d}"
                )
            if num not in self._numbers:
                self._numbers.add(num)
                return num

    def staff(
        self, agency_id: str, regency: int, table: tuple[tuple[str, str, tuple[str, ...], int], ...]
    ) -> None:
        """Create the officials listed in ``table`` for one agency."""
        world = self.world
        rng = world.rng
        for unit, position, ranks, count in table:
            n = count if count == 1 else max(1, round(count * self.factor))
            for _ in range(n):
                self.one(agency_id, regency, unit, position, rng.choice(ranks))

    def one(
        self, agency_id: str, regency: int, unit: str, position: str, rank: str, village: str = ""
    ) -> Official:
        """One official: a person, a post (sometimes two), a salary account."""
        world = self.world
        rng = world.rng
        police = unit in _POLICE_UNITS
        home = regency if regency >= 0 else rng.randrange(len(REGENCIES))
        person = self.people.person(
            regency=home,
            gender="m" if police and rng.random() < 0.88 else "",
            born=(1966, 1998),
            village=village,
            rank=rank if police else "",
            titled=0.3,
            occupation="Polri" if police else "PNS" if rank else "Perangkat Desa",
            source="roster",
            with_nik=0.97,
        )
        since = date(2018, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        number = self._id_number(person, police, since) if rank else ""
        roster = world.sources.pick(rng, "roster")
        if rng.random() < 0.3 and since.year >= 2021 and police:
            # An earlier post: careers are several rows of officials.csv.
            prev_agency = rng.choice([a[0] for a in world.agencies if a[2] == "police"])
            start = since - timedelta(days=rng.randint(400, 2000))
            world.official_rows.append(
                [
                    person.pid,
                    prev_agency,
                    number,
                    rng.choice(("Bripka", "Aipda", "Ipda")),
                    "Anggota",
                    start.isoformat(),
                    since.isoformat(),
                    roster,
                ]
            )
        world.official_rows.append(
            [
                person.pid,
                agency_id,
                number,
                rank,
                position,
                since.isoformat(),
                "",
                roster,
            ]
        )
        self.people.account(person, ewallet=False)
        if rng.random() < 0.3:
            self.people.account(person, ewallet=True)
        official = Official(person, agency_id, regency, unit, rank, position)
        world.officials.append(official)
        return official


def _agency(world: World, name: str, kind: str, parent: str, region: str) -> str:
    aid = world.ids.new("A", 6)
    roster = world.sources.pick(world.rng, "roster")
    world.agencies.append([aid, name, kind, parent, region, roster])
    return aid


def build_agencies(world: World, people: PeopleFactory) -> None:
    """All agencies, from Polda Jatim down to village offices, and their officials."""
    staffer = _Staffer(world, people)
    rng = world.rng
    polda = _agency(world, "Polda Jawa Timur", "police", "", "Jawa Timur")
    world.polda_id = polda
    staffer.staff(polda, -1, _POLDA)
    # "satgas" is not in the spec's list: an open-enum value the loader keeps as other.
    satgas = _agency(world, "Satgas TPPO Polda Jawa Timur", "satgas", polda, "Jawa Timur")
    staffer.staff(satgas, -1, _SATGAS)
    bp3mi = _agency(world, "BP3MI Jawa Timur", "migrant_protection", "", "Jawa Timur")
    staffer.staff(bp3mi, -1, _BP3MI)
    for idx, reg in enumerate(REGENCIES):
        polres = _agency(world, f"Polres {reg.name}", "police", polda, f"Kab. {reg.name}")
        world.polres[idx] = polres
        staffer.staff(polres, idx, _POLRES)
        for district in reg.districts[:3]:
            polsek = _agency(
                world,
                f"Polsek {district.name}",
                "police",
                polres,
                f"Kec. {district.name}, Kab. {reg.name}",
            )
            staffer.staff(polsek, idx, _POLSEK)
        disnaker = _agency(
            world, f"Dinas Tenaga Kerja Kabupaten {reg.name}", "manpower", "", f"Kab. {reg.name}"
        )
        staffer.staff(disnaker, idx, _DISNAKER)
        for district in reg.districts:
            for village in district.villages:
                office = _agency(
                    world,
                    f"Pemerintah Desa {village}",
                    "village",
                    "",
                    f"Desa {village}, Kec. {district.name}, Kab. {reg.name}",
                )
                world.village_offices[(idx, village)] = office
                staffer.one(office, idx, "desa", "Kepala Desa", "", village=village)
                if rng.random() < 0.4:
                    staffer.one(office, idx, "desa", "Sekretaris Desa", "", village=village)
    for idx, name in ((1, "Blitar"), (3, "Malang")):
        kanim = _agency(
            world,
            f"Kantor Imigrasi Kelas {'II' if idx == 1 else 'I'} TPI {name}",
            "immigration",
            "",
            f"Kab. {name}",
        )
        staffer.staff(kanim, idx, _IMIGRASI)
    kejari = _agency(world, "Kejaksaan Negeri Tulungagung", "prosecutor", "", "Kab. Tulungagung")
    staffer.staff(kejari, 0, _KEJARI)
    _agency(world, "Pengadilan Negeri Tulungagung", "court", "", "Kab. Tulungagung")


def is_police(official: Official) -> bool:
    """Whether the official serves in the police (including the task force)."""
    return official.unit in _POLICE_UNITS
